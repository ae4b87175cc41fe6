package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code set-user-tags NAME [TAG...]}: replaces the user's tags (none clears them); the password stays. */
@Command(name = "set-user-tags", description = "Replaces a user's tags, e.g. administrator, monitoring, management.")
final class SetUserTagsCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "TAG")
    List<String> tags = List.of();

    @Override
    public Integer call() {
        ObjectNode body = ManagementClient.object();
        var list = body.putArray("tags");
        tags.forEach(list::add);
        ctl.client().put(ManagementClient.userPath(name), body);
        return JunctionCtl.done(spec, "set the tags of user " + name + " to " + tags);
    }
}
