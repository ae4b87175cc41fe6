package dev.junction.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Cross-site request forgery: a browser that holds the console's basic credentials sends them with a form or a
 * {@code fetch} another site makes it send. Such a request is refused if it changes something and either carries
 * a body that is not {@code application/json} (a form or a {@code text/plain} "simple request", which a browser
 * sends cross-site without asking) or comes from a page of another origin, by its {@code Origin} header or, when
 * that is missing, its {@code Referer}. Tools such as junction-ctl and curl send neither header and JSON bodies.
 */
final class CrossSiteRequests {
    private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.PATCH);

    private CrossSiteRequests() {
    }

    /**
     * Why {@code request} must be refused, or null when it may go on.
     *
     * @param tls whether it came over HTTPS, which makes the console's own origin an {@code https} one
     */
    static ApiError refusal(HttpRequest request, boolean tls) {
        if (!STATE_CHANGING.contains(request.method())) {
            return null;
        }
        if (hasBody(request) && !isJson(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            return new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "a request that changes something must send its body as application/json");
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            String referer = request.headers().get(HttpHeaderNames.REFERER);
            if (referer == null) {
                return null;
            }
            origin = originOf(referer);
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        String own = host == null ? null : (tls ? "https://" : "http://") + host;
        if (own != null && own.equalsIgnoreCase(origin)) {
            return null;
        }
        return new ApiError(HttpResponseStatus.FORBIDDEN, "cross_site_request",
                "cross-site request refused: origin " + origin + " is not this console's own (" + own + ")");
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return mediaType.equalsIgnoreCase(HttpHeaderValues.APPLICATION_JSON.toString());
    }

    /** {@code scheme://host[:port]} of a URL; the URL itself when it has none (never equal to an origin). */
    private static String originOf(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                return url;
            }
            return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
