package rlhf4j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import rlhf4j.tensor.Tensor;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name
 * to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets into the data that follows)
 * plus an optional {@code "__metadata__"} map of strings, then the raw little-endian data.
 * We write F32; we read F32, F16, BF16 and F64 as float32, and I32/I64 as ints; tensors of other
 * dtypes may be present (a file still opens) but reading one fails naming it and its dtype.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Safetensors() {
    }

    /** Where one tensor lies in the file: dtype, shape and byte range within the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public int size() {
            long n = 1;
            for (int d : shape) n *= d;
            return Math.toIntExact(n);
        }
    }

    // ---- writing ----

    /**
     * Writes {@code tensors} as F32 under their map keys, atomically (temp file, fsync, rename).
     * metadata may be null.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is not a tensor name");
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + 4L * t.size());
            offset += 4L * t.size();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
        int padded = (json.length + 7) & ~7;
        AtomicFiles.write(file, channel -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(channel, head.flip());
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                float[] data = t.data();
                for (int i = 0; i < data.length; ) {
                    int n = Math.min(data.length - i, buf.capacity() / 4);
                    buf.clear();
                    buf.asFloatBuffer().put(data, i, n);
                    buf.limit(4 * n);
                    writeFully(channel, buf);
                    i += n;
                }
            }
        });
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) channel.write(buf);
    }

    // ---- reading ----

    /** Opens a file for reading; the data is memory-mapped and read on demand. Close it when done. */
    public static Reader open(Path file) {
        return new Reader(file);
    }

    /** A memory-mapped safetensors file. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment data;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Reader(Path file) {
            this.file = file;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long fileSize = ch.size();
                if (fileSize < 8) throw bad("is only " + fileSize + " bytes long");
                MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
                long headerLength = all.get(I64, 0);
                if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > fileSize) {
                    throw bad("has a header length of " + headerLength + " bytes, impossible for a file of " + fileSize);
                }
                byte[] headerBytes = all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
                data = all.asSlice(8 + headerLength);
                parseHeader(new String(headerBytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                arena.close();
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        private void parseHeader(String text) {
            JsonNode header;
            try {
                header = JSON.readTree(text);
            } catch (IOException e) {
                throw bad("has a header that is not JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) throw bad("has a header that is not a JSON object");
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                JsonNode v = f.getValue();
                if (name.equals("__metadata__")) {
                    v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                String dtype = v.path("dtype").asText();
                JsonNode shapeNode = v.path("shape"), offsets = v.path("data_offsets");
                if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                    throw bad("tensor '" + name + "' lacks a shape or data_offsets");
                }
                int[] shape = new int[shapeNode.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asInt();
                    if (shape[i] < 0) throw bad("tensor '" + name + "' has a negative dimension");
                    count *= shape[i];
                }
                long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
                long expected = count * bytesPer(dtype, name);
                if (begin < 0 || end < begin || end > data.byteSize()) throw bad("tensor '" + name + "' has data_offsets ["
                        + begin + ", " + end + "] outside the " + data.byteSize() + " bytes of data");
                if (end - begin != expected) throw bad("tensor '" + name + "' of shape " + Arrays.toString(shape)
                        + " and dtype " + dtype + " needs " + expected + " bytes but spans " + (end - begin));
                if (count > Integer.MAX_VALUE - 8) throw bad("tensor '" + name + "' is too large for one float array");
                entries.put(name, new Entry(name, dtype, shape, begin, end));
            }
        }

        private int bytesPer(String dtype, String name) {
            return switch (dtype) {
                case "F32", "I32", "U32" -> 4;
                case "F16", "BF16", "I16", "U16" -> 2;
                case "F64", "I64", "U64" -> 8;
                // kept so a file with such a buffer (a boolean mask, say) opens; reading one as floats fails by name
                case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2" -> 1;
                default -> throw bad("tensor '" + name + "' has unsupported dtype " + dtype);
            };
        }

        private IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("safetensors file " + file + " " + what);
        }

        public Path file() {
            return file;
        }

        /** Tensor entries by name, in the header's order. */
        public Map<String, Entry> entries() {
            return Collections.unmodifiableMap(entries);
        }

        public Map<String, String> metadata() {
            return Collections.unmodifiableMap(metadata);
        }

        public boolean contains(String name) {
            return entries.containsKey(name);
        }

        public Entry entry(String name) {
            Entry e = entries.get(name);
            if (e == null) throw bad("has no tensor '" + name + "'");
            return e;
        }

        /** The values of a float tensor, converted to float32. */
        public float[] floats(String name) {
            Entry e = entry(name);
            float[] out = new float[e.size()];
            readInto(e, out);
            return out;
        }

        /** A new constant tensor holding a float tensor's values. */
        public Tensor tensor(String name) {
            return Tensor.of(floats(name), entry(name).shape());
        }

        /** Reads a float tensor into {@code out} (sizes must match). */
        public void readInto(Entry e, float[] out) {
            if (out.length != e.size()) throw new IllegalArgumentException("tensor '" + e.name() + "' has "
                    + e.size() + " values, the destination " + out.length);
            MemorySegment s = data.asSlice(e.begin(), e.end() - e.begin());
            switch (e.dtype()) {
                case "F32" -> MemorySegment.copy(s, F32, 0, out, 0, out.length);
                case "F16" -> {
                    for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(s.getAtIndex(U16, i));
                }
                case "BF16" -> {
                    // bfloat16 is the top half of a float32
                    for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((s.getAtIndex(U16, i) & 0xFFFF) << 16);
                }
                case "F64" -> {
                    for (int i = 0; i < out.length; i++) out[i] = (float) s.getAtIndex(F64, i);
                }
                default -> throw bad("tensor '" + e.name() + "' is " + e.dtype()
                        + ", which is not read as float32 (F32, F16, BF16 and F64 are)");
            }
        }

        /** The values of an integer tensor (I32, or I64 that fits in an int). */
        public int[] ints(String name) {
            Entry e = entry(name);
            MemorySegment s = data.asSlice(e.begin(), e.end() - e.begin());
            int[] out = new int[e.size()];
            switch (e.dtype()) {
                case "I32" -> MemorySegment.copy(s, I32, 0, out, 0, out.length);
                case "I64" -> {
                    for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(s.getAtIndex(I64, i));
                }
                default -> throw bad("tensor '" + name + "' is " + e.dtype() + ", not an integer type");
            }
            return out;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
