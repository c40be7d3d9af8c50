package org.redtrove.benchmarks.chaos;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.redtrove.deploy.JarProcess;
import org.redtrove.deploy.ProcessStack;
import org.redtrove.deploy.SetProbe;
import org.redtrove.deploy.TroveHttp;
import org.redtrove.embedded.SharedTestDatabase;
import redis.clients.jedis.Jedis;

/**
 * Runs one scenario: sets up its job's set, halts the job at the failpoint in whichever
 * taskmanager runs it, brings the fault (SIGKILL to a process and a restart of it, a broker
 * outage, a PostgreSQL restart), lets the job go on, and lists what is wrong afterwards: the job
 * not SUCCEEDED, a job or instance stuck, a set whose API view differs from its members' ROLE,
 * a known key missing on a member.
 */
final class ChaosTrial {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(30);
    private static final Duration POSTGRES_DOWN = Duration.ofSeconds(10);

    record Result(Scenario scenario, List<String> problems, long millis) {
        boolean passed() {
            return problems.isEmpty();
        }
    }

    private final ProcessStack stack;
    private final StackChecks checks;
    private final ChaosJobs jobs;
    private TroveHttp trove;
    private int trials;

    ChaosTrial(ProcessStack stack, TroveHttp trove) {
        this.stack = stack;
        this.trove = trove;
        this.checks = new StackChecks(stack);
        this.jobs = new ChaosJobs(stack, trove, SETTLE);
    }

    Result run(Scenario scenario) throws Exception {
        long started = System.nanoTime();
        List<String> problems = new ArrayList<>();
        String name = "chaos-" + (++trials);
        ChaosJobs.Subject subject = null;
        Thread replacement = null;
        try {
            subject = jobs.prepare(scenario.kind(), name);
            Map<JarProcess, Integer> before = failpointCounts(scenario);
            Timestamp since = checks.now();
            stack.haltAt(scenario.failpoint());
            jobs.launch(subject);
            JarProcess halted = awaitFailpoint(scenario, before, Duration.ofSeconds(90));
            if (halted == null) {
                problems.add("the job never reached " + scenario.failpoint());
                release();
            } else {
                replacement = bringFault(scenario, subject, halted);
            }
            ChaosJobs.resume(subject);
            var job = checks.awaitJob(scenario.kind(), since, SETTLE);
            if (job.isEmpty()) {
                problems.add("no " + scenario.kind() + " job was started");
            } else if (!job.get().state().equals("SUCCEEDED")) {
                problems.add("job " + job.get().state() + " after step " + job.get().step() + ": " + job.get().error());
            }
            checkSets(subject, problems);
        } catch (Exception | AssertionError e) {
            problems.add("the trial broke: " + e);
            release();
        } finally {
            if (subject != null) {
                ChaosJobs.resume(subject);
                cleanUp(subject, problems);
            }
            if (replacement != null) {
                replacement.join();
            }
        }
        return new Result(scenario, problems, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** The fault, at the moment the job stands at its failpoint; answers a taskmanager starting meanwhile. */
    private Thread bringFault(Scenario scenario, ChaosJobs.Subject subject, JarProcess halted) throws Exception {
        switch (scenario.fault()) {
            case TASKMANAGER -> {
                halted.kill();
                release();
                // Another taskmanager takes the job over once its lease lapses; a new one stands in.
                return stack.startTaskmanagerInBackground();
            }
            case GUESTAGENT -> {
                String host = checks.hostOf(subject.victim);
                stack.killAndRestartGuest(host != null ? host : "host-a");
                release();
            }
            case API -> {
                stack.killAndRestartApi();
                trove = stack.login();
                jobs.loggedIn(trove);
                release();
            }
            case BROKER_OUTAGE -> {
                stack.stopBroker();
                release();
                Thread.sleep(BROKER_DOWN.toMillis());
                stack.startBroker();
            }
            case POSTGRES_RESTART -> SharedTestDatabase.restart(POSTGRES_DOWN, this::release);
        }
        return null;
    }

    private void checkSets(ChaosJobs.Subject subject, List<String> problems) throws Exception {
        SetProbe probe = new SetProbe(trove);
        for (List<String> set : subject.expectedSets()) {
            try {
                probe.assertApiMatchesRedis(set, subject.seeded() ? ChaosJobs.KEY : null, subject.name, SETTLE);
            } catch (AssertionError e) {
                problems.add("API and Redis differ for " + set + ": " + firstLine(e.getMessage()));
            }
        }
        if (!subject.seeded() && problems.isEmpty()) {
            try (Jedis redis = probe.tenant(subject.master)) {
                redis.set(ChaosJobs.KEY, subject.name);
                if (!subject.name.equals(redis.get(ChaosJobs.KEY))) {
                    problems.add("the new instance does not keep a write");
                }
            }
        }
    }

    /** Deletes the trial's instances, then waits until nothing is left running or transitional. */
    private void cleanUp(ChaosJobs.Subject subject, List<String> problems) throws Exception {
        release();
        for (String id : subject.members()) {
            try {
                trove.trove("DELETE", "/instances/" + id, null);
            } catch (Exception e) {
                problems.add("delete " + id + ": " + e.getMessage());
            }
        }
        List<String> stuck = checks.awaitQuiet(SETTLE);
        if (!stuck.isEmpty()) {
            problems.add("stuck after clean-up: " + String.join("; ", stuck));
        }
    }

    private void release() {
        try {
            stack.releaseHalts();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<JarProcess, Integer> failpointCounts(Scenario scenario) {
        Map<JarProcess, Integer> counts = new HashMap<>();
        stack.taskmanagers().forEach(t -> counts.put(t, count(t, scenario)));
        return counts;
    }

    /** Waits for a taskmanager to print that it halted at the failpoint (a new such line). */
    private JarProcess awaitFailpoint(Scenario scenario, Map<JarProcess, Integer> before, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JarProcess t : stack.taskmanagers()) {
                if (count(t, scenario) > before.getOrDefault(t, 0)) {
                    return t;
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static int count(JarProcess taskmanager, Scenario scenario) {
        String glob = java.util.Arrays.stream(scenario.failpoint().split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining("\\S*"));
        var m = Pattern.compile("FAILPOINT " + glob + " reached").matcher(taskmanager.output());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").trim();
    }
}
