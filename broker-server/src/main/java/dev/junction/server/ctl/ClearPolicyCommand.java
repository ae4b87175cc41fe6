package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code clear-policy [--vhost V] NAME}. */
@Command(name = "clear-policy", description = "Removes a policy; its queues take the next matching one.")
final class ClearPolicyCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", paramLabel = "VHOST", description = "Default: /.")
    String vhost;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        ctl.client().delete(ManagementClient.policyPath(vhost, name));
        return JunctionCtl.done(spec, "cleared policy " + name + " in vhost " + vhost);
    }
}
