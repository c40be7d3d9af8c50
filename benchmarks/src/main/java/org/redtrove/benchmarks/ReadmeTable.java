package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.databind.JsonNode;

/**
 * {@code benchmarks/readme-table [JSON [README]]}: writes the README's first benchmark table from a
 * run's JSON (default {@code benchmarks/results/latest.json}), between its two markers, with the
 * run's date, command and machine, and keeps that JSON as {@code benchmarks/readme.json}, so the
 * table can always be traced to what the program measured. Nothing in the table is typed by hand.
 * Given another README (a copy, as the acceptance script does), it writes only that one.
 */
public final class ReadmeTable {

    static final String BEGIN = "<!-- benchmark table: written by benchmarks/readme-table from benchmarks/readme.json;"
            + " do not edit by hand -->";
    static final String END = "<!-- end of the benchmark table -->";

    private ReadmeTable() {
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args.length > 0 ? args[0] : "benchmarks/results/latest.json");
        Path readme = Path.of(args.length > 1 ? args[1] : "README.md");
        boolean ours = readme.toAbsolutePath().normalize().equals(Path.of("README.md").toAbsolutePath().normalize());
        JsonNode run = TroveApi.JSON.readTree(Files.readString(json));
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("README.md has no benchmark table markers");
        }
        String updated = text.substring(0, begin) + BEGIN + "\n" + table(run) + END + text.substring(end + END.length());
        Files.writeString(readme, updated);
        Path kept = Path.of("benchmarks/readme.json");
        if (ours && !json.toAbsolutePath().normalize().equals(kept.toAbsolutePath().normalize())) {
            Files.copy(json, kept, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(readme + "'s benchmark table now shows " + json + (ours ? " (kept as " + kept + ")" : ""));
    }

    static String table(JsonNode run) {
        JsonNode rows = run.path("table");
        if (!rows.isArray() || rows.isEmpty()) {
            throw new IllegalStateException("this JSON has no table rows (it predates benchmarks/readme-table)");
        }
        JsonNode m = run.path("machine");
        StringBuilder b = new StringBuilder();
        b.append("Measured ").append(run.path("startedAt").asString("").replaceFirst("T.*", ""))
                .append(" with `").append(run.path("command").asString("benchmarks/run")).append("` (")
                .append(m.path("cores").asInt()).append(" cores, ").append(m.path("memoryGib").asLong()).append(" GiB, ")
                .append("Redis ").append(m.path("redis").asString("?")).append(", ").append(m.path("java").asString("?"))
                .append(", ").append(m.path("os").asString("?")).append(", load average ")
                .append(m.path("loadAverageAtStart").asString("?")).append(" at the start):\n\n");
        b.append("| measure | RedTrove | beside it | goal |\n|---|---|---|---|\n");
        for (JsonNode r : rows) {
            b.append("| ").append(cell(r, "measure")).append(" | ").append(cell(r, "redtrove")).append(" | ")
                    .append(cell(r, "beside")).append(" | ").append(cell(r, "goal")).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(JsonNode row, String key) {
        return row.path(key).asString("").replace("|", "\\|");
    }
}
