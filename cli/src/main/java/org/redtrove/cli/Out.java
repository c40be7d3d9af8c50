package org.redtrove.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;

/**
 * What a command prints: aligned tables for people, JSON for scripts ({@code -f json}), and colour
 * only on a terminal (never with NO_COLOR, nor when the output is piped or captured).
 */
final class Out {

    enum Format { table, json }

    private final PrintWriter out;
    private final Format format;
    private final boolean colour;

    Out(PrintWriter out, Format format, boolean colour) {
        this.out = out;
        this.format = format;
        this.colour = colour;
    }

    boolean json() {
        return format == Format.json;
    }

    boolean terminal() {
        return colour;
    }

    PrintWriter writer() {
        return out;
    }

    void json(JsonNode node) {
        out.println(Api.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Columns padded to their widest cell, two spaces apart; the header in capitals. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < headers.size(); c++) {
            widths[c] = headers.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], cell(row, c).length());
            }
        }
        List<String> upper = new ArrayList<>();
        headers.forEach(h -> upper.add(h.toUpperCase(java.util.Locale.ROOT)));
        out.println(bold(render(upper, widths)));
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                String cell = cell(row, c);
                line.append(c == 0 ? "" : "  ").append(paint(cell));
                if (c < widths.length - 1) {
                    line.append(" ".repeat(widths[c] - cell.length()));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** Two columns, field and value, for one object. */
    void fields(List<List<String>> pairs) {
        int width = pairs.stream().mapToInt(p -> p.get(0).length()).max().orElse(0);
        for (List<String> p : pairs) {
            out.println(p.get(0) + " ".repeat(width - p.get(0).length()) + "  " + paint(p.get(1)));
        }
        out.flush();
    }

    private static String cell(List<String> row, int c) {
        String value = c < row.size() ? row.get(c) : "";
        return value == null ? "" : value;
    }

    private static String render(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cell(cells, c);
            line.append(c == 0 ? "" : "  ").append(cell);
            if (c < widths.length - 1) {
                line.append(" ".repeat(widths[c] - cell.length()));
            }
        }
        return line.toString().stripTrailing();
    }

    /** States in colour: green for what is well, red for what failed, yellow for what waits. */
    String paint(String cell) {
        if (!colour) {
            return cell;
        }
        return switch (cell) {
            case "ACTIVE", "HEALTHY", "SUCCEEDED", "enabled", "up", "yes", "master" -> "\u001b[32m" + cell + "\u001b[0m";
            case "ERROR", "FAILED", "down", "disabled", "UNHEALTHY" -> "\u001b[31m" + cell + "\u001b[0m";
            case "QUEUED", "RUNNING", "paused", "BUILD", "no" -> "\u001b[33m" + cell + "\u001b[0m";
            default -> cell;
        };
    }

    String bold(String text) {
        return colour ? "\u001b[1m" + text + "\u001b[0m" : text;
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        if (node.isString()) {
            return node.asString();
        }
        return node.toString();
    }
}
