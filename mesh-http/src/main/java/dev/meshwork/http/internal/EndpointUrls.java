package dev.meshwork.http.internal;

import dev.meshwork.core.engine.Upstream;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * An attempt's URL: the caller's path and query on the picked endpoint. OkHttp canonicalizes every
 * host it is given (IDN mapping, even for an IP literal: microseconds and a few hundred bytes), so
 * the scheme, IP and port of each endpoint are built once and reused. Building the URL itself
 * (re-canonicalizing the path, formatting the string) costs about half a microsecond and 600 B, so
 * each endpoint also remembers the last URL it rewrote: a caller that sends the same URL again
 * (fixed RPC-style paths) gets the same rewritten URL back without building it. Bounded: cleared
 * when endpoint churn has filled it. Thread-safe.
 */
final class EndpointUrls {
  private static final int MAX = 4096;

  private record Key(String ip, int port, boolean tls) {}

  /** One URL rewritten for an endpoint; immutable, so a racy publish is safe. */
  private record Rewrite(HttpUrl original, HttpUrl rewritten) {}

  private static final class Endpoint {
    final HttpUrl base;
    Rewrite last; // plain field: a stale read only costs a rebuild

    Endpoint(HttpUrl base) {
      this.base = base;
    }
  }

  private final ConcurrentHashMap<Key, Endpoint> endpoints = new ConcurrentHashMap<>();

  HttpUrl to(HttpUrl original, Upstream upstream) {
    Key key = new Key(upstream.ip(), upstream.port(), upstream.tls() != null);
    Endpoint endpoint = endpoints.get(key);
    if (endpoint == null) {
      if (endpoints.size() >= MAX) {
        endpoints.clear();
      }
      endpoint = endpoints.computeIfAbsent(key, k -> new Endpoint(new HttpUrl.Builder()
          .scheme(k.tls() ? "https" : "http").host(k.ip()).port(k.port()).build()));
    }
    Rewrite last = endpoint.last;
    if (last != null && last.original().equals(original)) {
      return last.rewritten();
    }
    HttpUrl.Builder b = endpoint.base.newBuilder().encodedPath(original.encodedPath())
        .encodedQuery(original.encodedQuery()).encodedFragment(original.encodedFragment());
    if (!original.encodedUsername().isEmpty() || !original.encodedPassword().isEmpty()) {
      b.encodedUsername(original.encodedUsername()).encodedPassword(original.encodedPassword());
    }
    HttpUrl rewritten = b.build();
    endpoint.last = new Rewrite(original, rewritten);
    return rewritten;
  }
}
