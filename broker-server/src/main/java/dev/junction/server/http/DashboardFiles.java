package dev.junction.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The web dashboard's static files, read from the class path once, by the path they are served at. */
final class DashboardFiles {
    record StaticFile(String contentType, byte[] bytes) {
    }

    private static final Map<String, StaticFile> FILES = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"));

    private DashboardFiles() {
    }

    /** Null where no dashboard file is served at the path. */
    static StaticFile at(String path) {
        return FILES.get(path);
    }

    private static StaticFile load(String name, String contentType) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the class path");
            }
            return new StaticFile(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }
}
