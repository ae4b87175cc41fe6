package dev.junction.server.ctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The password junction-ctl logs in with, from the first source that has one: {@code --password}, then
 * {@code --password-file}, then {@code JUNCTION_PASSWORD}, then a prompt on the terminal. A flag is visible to
 * every user of the host in the process list; the others are not. Without any, {@code guest} keeps its default
 * password, as the broker seeds it.
 */
final class LoginPassword {
    static final String ENVIRONMENT_VARIABLE = "JUNCTION_PASSWORD";

    private LoginPassword() {
    }

    static String resolve(String user, String flag, Path file, UnaryOperator<String> environment,
                          PasswordPrompt prompt) {
        if (flag != null) {
            return flag;
        }
        if (file != null) {
            return read(file);
        }
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        if (user.equals(JunctionCtl.DEFAULT_USER)) {
            return JunctionCtl.DEFAULT_USER;
        }
        char[] typed = prompt.ask(user);
        if (typed == null) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "no password for user '" + user + "': give"
                    + " --password-file FILE or set " + ENVIRONMENT_VARIABLE + " (no terminal to ask on)");
        }
        return new String(typed);
    }

    /** The file's first line: an editor's or echo's final line break is not part of the password. */
    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        } catch (NoSuchFileException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "--password-file " + file + ": no such file");
        } catch (IOException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "--password-file " + file + ": cannot read: " + e);
        }
    }
}
