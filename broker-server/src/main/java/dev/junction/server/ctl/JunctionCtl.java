package dev.junction.server.ctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code junction-ctl}: administers a running broker through its management HTTP API. Run as
 * {@code bin/junction-ctl [--url URL] [--cacert FILE] [--user U --password P] COMMAND}.
 * Exit codes: 0 done, 1 refused by the broker, 2 bad usage, 3 broker unreachable, 4 login refused (401),
 * 5 no such object (404).
 */
@Command(name = "junction-ctl", mixinStandardHelpOptions = true,
        description = "Administers a running Junction broker through its management HTTP API.",
        subcommands = {StatusCommand.class, ListCommand.class, CloseCommand.class, ExportCommand.class,
                ImportCommand.class, AddUserCommand.class, ChangePasswordCommand.class, DeleteUserCommand.class,
                SetUserTagsCommand.class, SetPermissionsCommand.class, ClearPermissionsCommand.class,
                TailCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:refused by the broker", "2:bad usage", "3:broker unreachable",
                "4:login refused (401)", "5:no such object (404)"})
public final class JunctionCtl {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNREACHABLE = 3;
    static final int EXIT_UNAUTHORIZED = 4;
    static final int EXIT_NOT_FOUND = 5;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:15672", paramLabel = "URL",
            description = "Management endpoint (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", defaultValue = "guest", paramLabel = "USER", description = "Default: ${DEFAULT-VALUE}.")
    String user;

    @Option(names = "--password", defaultValue = "guest", paramLabel = "PASSWORD", description = "Default: guest.")
    String password;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM file with the CA certificate(s) to trust for an https:// --url, instead of the JDK's"
                    + " trust store.")
    Path caCertificates;

    ManagementClient client() {
        return new ManagementClient(url, user, password, caCertificates);
    }

    /** A change command's success: one line saying what was done. */
    static int done(CommandSpec spec, String what) {
        spec.commandLine().getOut().println(what);
        spec.commandLine().getOut().flush();
        return EXIT_OK;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the CLI's error handling: a failed command prints its message and exits by kind. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new JunctionCtl());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (exception instanceof CtlException failure) {
                err.println("junction-ctl: " + failure.getMessage());
                err.flush();
                return failure.exitCode();
            }
            throw exception;
        });
        return commandLine;
    }
}
