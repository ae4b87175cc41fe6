package dev.junction.server.ctl;

import java.io.Console;

/** Asks the operator for a password without echoing it. */
@FunctionalInterface
interface PasswordPrompt {
    /** The password typed for {@code user}; null where no one can be asked (no terminal: scripts, cron, CI). */
    char[] ask(String user);

    /** The process's terminal, when it has one. */
    static PasswordPrompt console() {
        return user -> {
            Console console = System.console();
            return console == null ? null : console.readPassword("Password for %s: ", user);
        };
    }
}
