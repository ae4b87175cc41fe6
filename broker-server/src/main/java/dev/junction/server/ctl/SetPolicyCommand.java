package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code set-policy [--vhost V] [--priority N] [--apply-to queues|all] NAME PATTERN DEFINITION}, as rabbitmqctl. */
@Command(name = "set-policy", description = "Sets a policy: limits for the queues whose names match PATTERN.")
final class SetPolicyCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", paramLabel = "VHOST", description = "Default: /.")
    String vhost;

    @Option(names = "--priority", defaultValue = "0", paramLabel = "N",
            description = "The highest-priority matching policy applies. Default: 0.")
    int priority;

    @Option(names = "--apply-to", defaultValue = "all", paramLabel = "KIND", description = "queues or all (default).")
    String applyTo;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PATTERN", description = "regex matched against queue names")
    String pattern;

    @Parameters(index = "2", paramLabel = "DEFINITION",
            description = "JSON object, e.g. '{\"max-length\":1000,\"overflow\":\"reject-publish\"}'")
    String definition;

    @Override
    public Integer call() {
        JsonNode parsed = ManagementClient.parseObject("DEFINITION", definition);
        ctl.client().put(ManagementClient.policyPath(vhost, name), ManagementClient.object().put("pattern", pattern)
                .put("apply-to", applyTo).put("priority", priority).set("definition", parsed));
        return JunctionCtl.done(spec, "set policy " + name + " in vhost " + vhost);
    }
}
