package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code delete-user NAME}: the user and its permissions. */
@Command(name = "delete-user", description = "Deletes a user and its permissions.")
final class DeleteUserCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        ctl.client().delete(ManagementClient.userPath(name));
        return JunctionCtl.done(spec, "deleted user " + name);
    }
}
