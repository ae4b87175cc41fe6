package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code add-user NAME PASSWORD [--tags T1,T2]}: a new user; an existing one is left alone, as rabbitmqctl does. */
@Command(name = "add-user", description = "Creates a user (with no permissions: see set-permissions).")
final class AddUserCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PASSWORD")
    String password;

    @Option(names = "--tags", paramLabel = "TAGS", defaultValue = "",
            description = "comma-separated, e.g. administrator or monitoring,management")
    String tags;

    @Override
    public Integer call() {
        ManagementClient client = ctl.client();
        try {
            client.get(ManagementClient.userPath(name));
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "user '" + name + "' already exists");
        } catch (CtlException e) {
            if (e.exitCode() != JunctionCtl.EXIT_NOT_FOUND) {
                throw e;
            }
        }
        ObjectNode body = ManagementClient.object().put("password", password).put("tags", tags);
        client.put(ManagementClient.userPath(name), body);
        return JunctionCtl.done(spec, "added user " + name);
    }
}
