package org.redtrove.taskmanager.maintenance;

import java.util.List;
import java.util.Map;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.TenantParameters;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/**
 * Gives every member of a set the parameters of the configuration group its rows name (attached,
 * changed or detached: the values are read when the job runs, so the last change wins), the
 * others at Redis's defaults, live through each member's guest. Each member is a recorded step.
 */
@Component
public class ConfigureExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final GuestCalls guests;

    public ConfigureExecutor(InstanceRepository instances, GuestCalls guests) {
        this.instances = instances;
        this.guests = guests;
    }

    @Override
    public JobKind kind() {
        return JobKind.CONFIGURE;
    }

    @Override
    public void execute(JobContext context) {
        List<Instance> members = instances.setOf(context.job().instanceId());
        Map<String, String> values = TenantParameters.effective(
                instances.configurationValues(context.job().instanceId()).orElse(Map.of()));
        for (Instance member : members) {
            if (!member.isPlaced()) {
                continue;
            }
            context.step("configure-" + member.id(), () -> {
                GuestReply reply = guests.call(member.hostId(), new GuestRequest.Configure(member.id(), values));
                if (!reply.isOk()) {
                    throw new JobFailedException("The guest of " + member.name() + " could not apply the"
                            + " configuration: " + reply.error());
                }
            });
        }
    }

    @Override
    public void failed(Job job, String error) {
        instances.setFault(job.instanceId(), instances.get(job.instanceId()).taskStatus(),
                "Applying the configuration group failed: " + error + " Attach it again to retry.");
    }
}
