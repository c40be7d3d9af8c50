package org.redtrove.benchmarks.chaos;

import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.JobKind;

/**
 * One chaos trial: a job of {@code kind} halted at {@code point} (a failpoint: {@code step:phase},
 * with {@code *} for steps named after an instance), then {@code fault} at that moment.
 */
record Scenario(JobKind kind, String point, Fault fault) {

    /** What happens to the stack while the job stands at its failpoint. */
    enum Fault {
        TASKMANAGER("taskmanager"), GUESTAGENT("guestagent"), API("api"),
        BROKER_OUTAGE("broker down 30 s"), POSTGRES_RESTART("PostgreSQL restart");

        final String label;

        Fault(String label) {
            this.label = label;
        }

        boolean kills() {
            return this == TASKMANAGER || this == GUESTAGENT || this == API;
        }
    }

    /** The failpoint as the taskmanager spells it. */
    String failpoint() {
        return kind + ":" + point;
    }

    /** The step, without its phase. */
    String step() {
        return point.substring(0, point.lastIndexOf(':'));
    }

    /**
     * Every step of every job kind. A step is halted once its effect is done and before it is
     * recorded (the crash a resumed job must survive: the effect without its record); a commit
     * point once it is recorded, since its effect and record are one transaction.
     */
    static final List<Scenario> STEPS = List.of(
            new Scenario(JobKind.CREATE, "place:after-effect", null),
            new Scenario(JobKind.CREATE, "prepare:after-effect", null),
            new Scenario(JobKind.CREATE, "await-active:after-effect", null),
            new Scenario(JobKind.ATTACH_REPLICAS, "place-*:after-effect", null),
            new Scenario(JobKind.ATTACH_REPLICAS, "prepare-*:after-effect", null),
            new Scenario(JobKind.ATTACH_REPLICAS, "follow-*:after-effect", null),
            new Scenario(JobKind.DETACH, "leave-set:after-effect", null),
            new Scenario(JobKind.DETACH, "commit:after", null),
            new Scenario(JobKind.DETACH, "become-master:after-effect", null),
            new Scenario(JobKind.PROMOTE, "commit:after", null),
            new Scenario(JobKind.PROMOTE, "demote-old-master:after-effect", null),
            new Scenario(JobKind.PROMOTE, "promote-candidate:after-effect", null),
            new Scenario(JobKind.PROMOTE, "repoint-*:after-effect", null),
            new Scenario(JobKind.EJECT, "commit:after", null),
            new Scenario(JobKind.EJECT, "promote-chosen:after-effect", null),
            new Scenario(JobKind.EJECT, "repoint-*:after-effect", null),
            new Scenario(JobKind.DELETE, "delete-on-host:after-effect", null),
            new Scenario(JobKind.RECONCILE, "MakeReplica-*:after-effect", null));

    /** Every step × every process killed, then the outages, during the jobs that call guests most. */
    static List<Scenario> full() {
        List<Scenario> all = new ArrayList<>();
        for (Scenario s : STEPS) {
            for (Fault f : List.of(Fault.TASKMANAGER, Fault.GUESTAGENT, Fault.API)) {
                all.add(new Scenario(s.kind, s.point, f));
            }
        }
        for (Fault f : List.of(Fault.BROKER_OUTAGE, Fault.POSTGRES_RESTART)) {
            all.add(new Scenario(JobKind.CREATE, "place:after", f));
            all.add(new Scenario(JobKind.ATTACH_REPLICAS, "prepare-*:after", f));
            all.add(new Scenario(JobKind.PROMOTE, "commit:after", f));
        }
        return all;
    }

    /** A subset of about five minutes: each process once, each outage once. */
    static List<Scenario> quick() {
        return List.of(
                new Scenario(JobKind.CREATE, "prepare:after-effect", Fault.TASKMANAGER),
                new Scenario(JobKind.PROMOTE, "commit:after", Fault.TASKMANAGER),
                new Scenario(JobKind.ATTACH_REPLICAS, "follow-*:after-effect", Fault.GUESTAGENT),
                new Scenario(JobKind.PROMOTE, "promote-candidate:after-effect", Fault.GUESTAGENT),
                new Scenario(JobKind.EJECT, "commit:after", Fault.API),
                new Scenario(JobKind.DELETE, "delete-on-host:after-effect", Fault.API),
                new Scenario(JobKind.PROMOTE, "commit:after", Fault.BROKER_OUTAGE),
                new Scenario(JobKind.CREATE, "place:after", Fault.POSTGRES_RESTART));
    }
}
