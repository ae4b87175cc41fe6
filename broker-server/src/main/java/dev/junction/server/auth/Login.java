package dev.junction.server.auth;

/**
 * The outcome of a login: the user it is for and, if refused, whether the credentials were wrong or the user may
 * not log in this way ({@code detail} says why, for the broker's log only, never for the client).
 */
public record Login(String user, Outcome outcome, String detail) {
    public enum Outcome { ACCEPTED, BAD_CREDENTIALS, NOT_AUTHORISED }

    public static Login accepted(String user) {
        return new Login(user, Outcome.ACCEPTED, "accepted");
    }

    public static Login badCredentials(String user, String detail) {
        return new Login(user, Outcome.BAD_CREDENTIALS, detail);
    }

    public static Login notAuthorised(String user, String detail) {
        return new Login(user, Outcome.NOT_AUTHORISED, detail);
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
