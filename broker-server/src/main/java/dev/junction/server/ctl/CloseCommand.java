package dev.junction.server.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code close connection NAME}: the broker closes it the protocol's way (AMQP: connection.close). */
@Command(name = "close", description = "Closes a client connection, named as 'list connections' shows it.")
final class CloseCommand implements Callable<Integer> {
    enum What { CONNECTION }

    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "connection", description = "what to close: connection")
    What what;

    @Parameters(index = "1", paramLabel = "NAME", description = "e.g. '127.0.0.1:50123 -> 127.0.0.1:5672'")
    String name;

    @Override
    public Integer call() {
        ctl.client().delete("/api/connections/" + ManagementClient.segment(name));
        spec.commandLine().getOut().println("closed connection " + name);
        spec.commandLine().getOut().flush();
        return JunctionCtl.EXIT_OK;
    }
}
