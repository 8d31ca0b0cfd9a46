package rlhf4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadGivesTheSameBitsShapesAndMetadata() throws IOException {
        Rng rng = new Rng(3);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", Tensor.zeros(3, 5));
        tensors.put("b", Tensor.zeros(7));
        tensors.put("scalar", Tensor.scalar(-0f));
        tensors.put("empty", Tensor.zeros(0, 4));
        rng.normal(tensors.get("a.weight"), 1);
        rng.normal(tensors.get("b"), 1);
        tensors.get("b").data()[2] = Float.NaN;
        tensors.get("b").data()[3] = Float.NEGATIVE_INFINITY;
        tensors.get("b").data()[4] = Float.MIN_VALUE;
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"));

        try (Safetensors.Reader r = Safetensors.open(file)) {
            assertThat(r.entries().keySet()).containsExactly("a.weight", "b", "scalar", "empty");
            assertThat(r.metadata()).containsEntry("format", "pt");
            for (var e : tensors.entrySet()) {
                assertThat(r.entry(e.getKey()).shape()).containsExactly(e.getValue().shape());
                float[] back = r.floats(e.getKey());
                for (int i = 0; i < back.length; i++) {
                    assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(e.getValue().data()[i]));
                }
            }
        }
        // the data section starts 8-byte aligned and nothing is left behind
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("t.safetensors");
        }
    }

    @Test
    void readsHalfBfloatAndIntegerTensorsWrittenByOthers() throws IOException {
        // F16 1.5 = 0x3E00, -2 = 0xC000; BF16 of 3.140625 = 0x4049; I64 and I32 ids
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[6,22]},"
                + "\"n\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[22,26]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 26).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        b.putShort((short) 0x3E00).putShort((short) 0xC000).putShort((short) 0x4049);
        b.putLong(42).putLong(-7).putInt(123456);
        Path file = dir.resolve("mixed.safetensors");
        Files.write(file, b.array());
        try (Safetensors.Reader r = Safetensors.open(file)) {
            assertThat(r.floats("h")).containsExactly(1.5f, -2f);
            assertThat(r.floats("bf")).containsExactly(3.140625f);
            assertThat(r.ints("ids")).containsExactly(42, -7);
            assertThat(r.ints("n")).containsExactly(123456);
            assertThatThrownBy(() -> r.floats("ids")).hasMessageContaining("'ids'").hasMessageContaining("I64");
            assertThatThrownBy(() -> r.floats("nope")).hasMessageContaining("'nope'");
        }
    }

    @Test
    void rejectsCorruptFilesWithTheReason() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.open(tiny)).hasMessageContaining("3 bytes");

        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path wrongSize = dir.resolve("short.safetensors");
        Files.write(wrongSize, b.array());
        assertThatThrownBy(() -> Safetensors.open(wrongSize)).hasMessageContaining("'w'").hasMessageContaining("16 bytes");

        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Path badHeader = dir.resolve("header.safetensors");
        Files.write(badHeader, huge.array());
        assertThatThrownBy(() -> Safetensors.open(badHeader)).hasMessageContaining("header length");
    }
}
