package dev.junction.server;

/** The version the build wrote into the jar's manifest; classes run from a source tree have none. */
public final class ProductVersion {
    private ProductVersion() {
    }

    /** E.g. {@code 0.1.0-SNAPSHOT}, or {@code (development build)} outside the jar. */
    public static String text() {
        String version = ProductVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
