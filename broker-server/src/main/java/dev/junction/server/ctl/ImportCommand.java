package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code import FILE}: declares what a definitions file holds; the broker checks it whole before declaring. */
@Command(name = "import", description = "Declares the vhosts, exchanges, queues, bindings, users and permissions of a"
        + " definitions FILE.")
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
        String definitions;
        try {
            definitions = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "no such file: " + file);
        } catch (IOException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        ctl.client().post("/api/definitions", definitions);
        spec.commandLine().getOut().println("imported definitions from " + file);
        spec.commandLine().getOut().flush();
        return JunctionCtl.EXIT_OK;
    }
}
