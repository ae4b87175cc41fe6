package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code change-password NAME PASSWORD}: the user keeps its tags and permissions. */
@Command(name = "change-password", description = "Sets a user's password; the old one stops working at once.")
final class ChangePasswordCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PASSWORD")
    String password;

    @Override
    public Integer call() {
        ManagementClient client = ctl.client();
        JsonNode user = client.get(ManagementClient.userPath(name));
        client.put(ManagementClient.userPath(name), ManagementClient.object().put("password", password)
                .set("tags", user.path("tags")));
        return JunctionCtl.done(spec, "changed the password of user " + name);
    }
}
