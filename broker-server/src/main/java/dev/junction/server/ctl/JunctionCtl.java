package dev.junction.server.ctl;

import dev.junction.server.ProductVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * {@code junction-ctl}: administers a running broker through its management HTTP API. Run as
 * {@code bin/junction-ctl [--url URL] [--cacert FILE] [--user U] [--password-file F] COMMAND}.
 * Exit codes: 0 done, 1 refused by the broker, 2 bad usage, 3 broker unreachable, 4 login refused (401),
 * 5 no such object (404).
 */
@Command(name = "junction-ctl", mixinStandardHelpOptions = true, versionProvider = JunctionCtl.Version.class,
        description = "Administers a running Junction broker through its management HTTP API.",
        subcommands = {StatusCommand.class, ListCommand.class, CloseCommand.class, ExportCommand.class,
                ImportCommand.class, AddUserCommand.class, ChangePasswordCommand.class, DeleteUserCommand.class,
                SetUserTagsCommand.class, SetPermissionsCommand.class, ClearPermissionsCommand.class,
                SetPolicyCommand.class, ClearPolicyCommand.class, TailCommand.class},
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
    static final String DEFAULT_USER = "guest";
    private static final String DEFAULT_URL = "http://127.0.0.1:15672";

    private final UnaryOperator<String> environment;
    private final PasswordPrompt prompt;

    @Option(names = "--url", paramLabel = "URL",
            description = "Management endpoint (default: $JUNCTION_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Default: $JUNCTION_USER, else guest.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Visible to every user of this host in the process list: prefer --password-file,"
                    + " $JUNCTION_PASSWORD or the prompt (on a terminal). Without any: guest for user guest.")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE", description = "The password, on the file's first line.")
    Path passwordFile;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM file with the CA certificate(s) to trust for an https:// --url, instead of the JDK's"
                    + " trust store.")
    Path caCertificates;

    private JunctionCtl(UnaryOperator<String> environment, PasswordPrompt prompt) {
        this.environment = environment;
        this.prompt = prompt;
    }

    ManagementClient client() {
        String login = user != null ? user : Objects.requireNonNullElse(environment.apply("JUNCTION_USER"),
                DEFAULT_USER);
        return new ManagementClient(url != null ? url
                : Objects.requireNonNullElse(environment.apply("JUNCTION_URL"), DEFAULT_URL), login,
                LoginPassword.resolve(login, password, passwordFile, environment, prompt), caCertificates);
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
        return commandLine(System::getenv, PasswordPrompt.console());
    }

    /** As {@link #commandLine()}, reading variables from {@code environment} and asking {@code prompt}. */
    static CommandLine commandLine(UnaryOperator<String> environment, PasswordPrompt prompt) {
        CommandLine commandLine = new CommandLine(new JunctionCtl(environment, prompt));
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"junction-ctl " + ProductVersion.text()};
        }
    }
}
