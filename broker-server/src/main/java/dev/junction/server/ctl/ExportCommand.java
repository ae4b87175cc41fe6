package dev.junction.server.ctl;

import dev.junction.core.store.OwnerOnly;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code export FILE}: the broker's definitions (RabbitMQ's JSON format) into a file. */
@Command(name = "export", description = {"Writes the broker's definitions (vhosts, exchanges, queues, bindings, users"
        + " with their password hashes, permissions) to FILE.", "A new FILE is readable by its owner only."})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
        String definitions = ctl.client().getText("/api/definitions");
        // The definitions hold password hashes: a new file is the owner's only, whatever the umask.
        try (FileChannel out = OwnerOnly.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            Channels.newOutputStream(out).write(definitions.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "cannot write " + file + ": no such directory "
                    + file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "cannot write " + file + ": " + e);
        }
        spec.commandLine().getOut().println("exported definitions to " + file);
        spec.commandLine().getOut().flush();
        return JunctionCtl.EXIT_OK;
    }
}
