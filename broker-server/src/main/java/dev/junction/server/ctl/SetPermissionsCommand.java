package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code set-permissions [--vhost V] USER CONF WRITE READ}: three regular expressions, as in rabbitmqctl. */
@Command(name = "set-permissions", description = "Sets a user's configure, write and read permissions in a vhost.")
final class SetPermissionsCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--vhost"}, defaultValue = "/", paramLabel = "VHOST", description = "Default: /.")
    String vhost;

    @Parameters(index = "0", paramLabel = "USER")
    String user;

    @Parameters(index = "1", paramLabel = "CONF", description = "regex of resources the user may configure")
    String configure;

    @Parameters(index = "2", paramLabel = "WRITE", description = "regex of resources the user may write to")
    String write;

    @Parameters(index = "3", paramLabel = "READ", description = "regex of resources the user may read from")
    String read;

    @Override
    public Integer call() {
        ctl.client().put(ManagementClient.permissionPath(vhost, user), ManagementClient.object().put("configure", configure)
                .put("write", write).put("read", read));
        return JunctionCtl.done(spec, "set the permissions of user " + user + " in vhost " + vhost);
    }
}
