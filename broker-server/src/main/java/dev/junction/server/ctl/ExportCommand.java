package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code export FILE}: the broker's definitions (RabbitMQ's JSON format) into a file. */
@Command(name = "export", description = "Writes the broker's definitions (vhosts, exchanges, queues, bindings) to FILE.")
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
        try {
            Files.writeString(file, definitions, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "cannot write " + file + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("exported definitions to " + file);
        spec.commandLine().getOut().flush();
        return JunctionCtl.EXIT_OK;
    }
}
