package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run measured, as its JSON and the README's table state it. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe(String redisVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryGib", memoryGib());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("v=([0-9.]+)").matcher(redisVersion);
        m.put("redis", v.find() ? v.group(1) : redisVersion);
        m.put("loadAverageAtStart", loadAverage());
        return m;
    }

    private static long memoryGib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (Exception ignored) {
            // not Linux: left out
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
