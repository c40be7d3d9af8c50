package org.redtrove.benchmarks.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.deploy.ProcessStack;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos run ({@code benchmarks/chaos}): RedTrove as separate processes (api, two
 * taskmanagers, a guest agent on each of three hosts) on an embedded PostgreSQL and broker. Each
 * trial halts one job at one step with a failpoint and, at that moment, kills a process with
 * SIGKILL and starts it again, stops the broker for 30 s or restarts PostgreSQL; then it checks
 * that the job succeeded, nothing is stuck, and the API matches every Redis's ROLE and data.
 * Prints a table of trials and passes per job kind × fault × step, and writes it as JSON.
 * Counts, not timings: nothing here measures a duration against a goal.
 */
public final class ChaosRun {

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String only = null;
        Path out = Path.of("benchmarks/results/chaos.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (benchmarks/chaos [--quick] [--only TEXT] [--out FILE])");
            }
        }
        List<Scenario> scenarios = quick ? Scenario.quick() : Scenario.full();
        if (only != null) {
            String text = only;
            scenarios = scenarios.stream().filter(s -> (s.kind() + " " + s.fault().label + " " + s.step())
                    .contains(text)).toList();
        }
        Path work = Files.createTempDirectory("redtrove-chaos");
        Instant started = Instant.now();
        List<ChaosTrial.Result> results = new ArrayList<>();
        System.out.printf("Chaos run (%s): %d trials; processes and logs in %s%n", quick ? "quick" : "full",
                scenarios.size(), work);
        try (ProcessStack stack = ProcessStack.startForCrashes(work, List.of("host-a", "host-b", "host-c"),
                "redtrove.failover.block-period=1s")) {
            ChaosTrial trial = new ChaosTrial(stack, stack.login());
            for (Scenario scenario : scenarios) {
                ChaosTrial.Result result = trial.run(scenario);
                results.add(result);
                System.out.printf("  %-16s %-19s %-32s %s (%d s)%n", scenario.kind(), scenario.fault().label,
                        scenario.step(), result.passed() ? "passed" : "FAILED: " + String.join(" | ", result.problems()),
                        result.millis() / 1000);
            }
        }
        print(results);
        write(out, quick, started, results);
        System.exit(results.stream().allMatch(ChaosTrial.Result::passed) ? 0 : 1);
    }

    private record Row(String kind, String fault, String step, int trials, int passed, List<String> failures) {
    }

    private static List<Row> rows(List<ChaosTrial.Result> results) {
        Map<String, List<ChaosTrial.Result>> byCell = new LinkedHashMap<>();
        for (ChaosTrial.Result r : results) {
            Scenario s = r.scenario();
            byCell.computeIfAbsent(s.kind() + "|" + s.fault().label + "|" + s.step(), k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        byCell.forEach((cell, cellResults) -> {
            String[] parts = cell.split("\\|");
            List<String> failures = cellResults.stream().filter(r -> !r.passed())
                    .map(r -> String.join(" | ", r.problems())).toList();
            rows.add(new Row(parts[0], parts[1], parts[2], cellResults.size(),
                    cellResults.size() - failures.size(), failures));
        });
        return rows;
    }

    private static void print(List<ChaosTrial.Result> results) {
        System.out.println();
        System.out.printf("%-16s %-19s %-32s %6s %6s  %s%n", "job kind", "fault", "step", "trials", "passed",
                "what was wrong");
        for (Row row : rows(results)) {
            System.out.printf("%-16s %-19s %-32s %6d %6d  %s%n", row.kind(), row.fault(), row.step(), row.trials(),
                    row.passed(), String.join(" || ", row.failures()));
        }
        System.out.println();
        for (Scenario.Fault fault : Scenario.Fault.values()) {
            List<ChaosTrial.Result> of = results.stream().filter(r -> r.scenario().fault() == fault).toList();
            if (!of.isEmpty()) {
                System.out.printf("%-28s %3d trials, %3d passed%n", fault.label + ":", of.size(),
                        of.stream().filter(ChaosTrial.Result::passed).count());
            }
        }
        System.out.printf("%-28s %3d trials, %3d passed, %d failed%n", "total:", results.size(),
                results.stream().filter(ChaosTrial.Result::passed).count(),
                results.stream().filter(r -> !r.passed()).count());
    }

    private static void write(Path out, boolean quick, Instant started, List<ChaosTrial.Result> results)
            throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", quick ? "quick" : "full");
        json.put("startedAt", started.toString());
        json.put("minutes", Duration.between(started, Instant.now()).toSeconds() / 60.0);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("trials", results.size());
        json.put("passed", results.stream().filter(ChaosTrial.Result::passed).count());
        json.put("rows", rows(results));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("Written to " + out);
    }
}
