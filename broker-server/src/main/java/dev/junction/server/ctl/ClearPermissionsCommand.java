package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code clear-permissions [--vhost V] USER}. */
@Command(name = "clear-permissions", description = "Removes a user's permissions in a vhost.")
final class ClearPermissionsCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", paramLabel = "VHOST", description = "Default: /.")
    String vhost;

    @Parameters(paramLabel = "USER")
    String user;

    @Override
    public Integer call() {
        ctl.client().delete(ManagementClient.permissionPath(vhost, user));
        return JunctionCtl.done(spec, "cleared the permissions of user " + user + " in vhost " + vhost);
    }
}
