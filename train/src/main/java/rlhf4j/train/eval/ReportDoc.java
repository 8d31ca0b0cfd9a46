package rlhf4j.train.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A report written once and rendered twice: Markdown (images linked beside it) and a single
 * self-contained HTML page (images embedded), so the same words reach a terminal, a Git host and a
 * browser.
 */
final class ReportDoc {
    private sealed interface Block permits Heading, Para, Bullets, Table, Image, Quote {
    }

    private record Heading(int level, String text) implements Block {
    }

    private record Para(String text) implements Block {
    }

    private record Bullets(List<String> items) implements Block {
    }

    private record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    private record Image(String file, String alt) implements Block {
    }

    private record Quote(String text) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    ReportDoc heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    ReportDoc para(String text) {
        blocks.add(new Para(text));
        return this;
    }

    ReportDoc bullets(List<String> items) {
        if (!items.isEmpty()) blocks.add(new Bullets(List.copyOf(items)));
        return this;
    }

    ReportDoc table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), List.copyOf(rows)));
        return this;
    }

    /** An image by its path relative to the report's folder; left out when the file is not there. */
    ReportDoc image(Path base, String file, String alt) {
        if (Files.exists(base.resolve(file))) blocks.add(new Image(file, alt));
        return this;
    }

    ReportDoc quote(String text) {
        blocks.add(new Quote(text));
        return this;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case Para p -> sb.append(p.text()).append("\n\n");
                case Bullets l -> {
                    for (String item : l.items()) sb.append("- ").append(item).append('\n');
                    sb.append('\n');
                }
                case Table t -> {
                    sb.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
                    for (int i = 0; i < t.header().size(); i++) sb.append(numeric(t, i) ? "---:|" : "---|");
                    sb.append('\n');
                    for (List<String> row : t.rows()) sb.append("| ").append(String.join(" | ", row.stream().map(ReportDoc::cell).toList())).append(" |\n");
                    sb.append('\n');
                }
                case Image i -> sb.append("![").append(i.alt()).append("](").append(i.file()).append(")\n\n");
                case Quote q -> sb.append("> ").append(q.text().replace("\n", "\n> ")).append("\n\n");
            }
        }
        return sb.toString();
    }

    /** One HTML page; images are read from {@code base} and embedded as data URIs. */
    String html(String title, Path base) {
        StringBuilder sb = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;"
                        + "padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
                        + "padding:4px 10px}td.num{text-align:right}th{background:#f3f3f3}img{max-width:100%}"
                        + "blockquote{border-left:4px solid #ddd;margin:0;padding:.2em 1em;color:#444}code{background:#f5f5f5}</style>"
                        + "</head><body>\n");
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("<h").append(h.level()).append('>').append(inline(h.text())).append("</h").append(h.level()).append(">\n");
                case Para p -> sb.append("<p>").append(inline(p.text())).append("</p>\n");
                case Bullets l -> {
                    sb.append("<ul>");
                    for (String item : l.items()) sb.append("<li>").append(inline(item)).append("</li>");
                    sb.append("</ul>\n");
                }
                case Table t -> {
                    sb.append("<table><tr>");
                    for (String h : t.header()) sb.append("<th>").append(inline(h)).append("</th>");
                    sb.append("</tr>\n");
                    for (List<String> row : t.rows()) {
                        sb.append("<tr>");
                        for (int i = 0; i < row.size(); i++) {
                            sb.append(numeric(t, i) ? "<td class=\"num\">" : "<td>").append(inline(row.get(i))).append("</td>");
                        }
                        sb.append("</tr>\n");
                    }
                    sb.append("</table>\n");
                }
                case Image i -> sb.append("<p><img alt=\"").append(esc(i.alt())).append("\" src=\"data:image/png;base64,")
                        .append(base64(base.resolve(i.file()))).append("\"></p>\n");
                case Quote q -> sb.append("<blockquote>").append(inline(q.text()).replace("\n", "<br>")).append("</blockquote>\n");
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    /** A column of figures (every non-empty cell starts with a digit or a sign) is right-aligned. */
    private static boolean numeric(Table t, int column) {
        boolean any = false;
        for (List<String> row : t.rows()) {
            String c = column < row.size() ? row.get(column).strip() : "";
            if (c.isEmpty()) continue;
            if (!c.matches("[-+]?[0-9].*")) return false;
            any = true;
        }
        return any;
    }

    /** A table cell: pipes and line breaks would break the Markdown row. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** Escapes, then turns Markdown's **bold** and `code` into tags. */
    private static String inline(String s) {
        String e = esc(s);
        e = e.replaceAll("\\*\\*([^*]+)\\*\\*", "<b>$1</b>");
        return e.replaceAll("`([^`]+)`", "<code>$1</code>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String base64(Path png) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + png, e);
        }
    }
}
