package dev.meshwork.http.internal;

import dev.meshwork.core.engine.Upstream;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * An attempt's URL: the caller's path and query on the picked endpoint. OkHttp canonicalizes every
 * host it is given (IDN mapping, even for an IP literal: microseconds and a few hundred bytes), so
 * the scheme, IP and port of each endpoint are built once and reused. Bounded: cleared when
 * endpoint churn has filled it. Thread-safe.
 */
final class EndpointUrls {
  private static final int MAX = 4096;

  private record Key(String ip, int port, boolean tls) {}

  private final ConcurrentHashMap<Key, HttpUrl> bases = new ConcurrentHashMap<>();

  HttpUrl to(HttpUrl original, Upstream upstream) {
    Key key = new Key(upstream.ip(), upstream.port(), upstream.tls() != null);
    HttpUrl base = bases.get(key);
    if (base == null) {
      if (bases.size() >= MAX) {
        bases.clear();
      }
      base = bases.computeIfAbsent(key, k -> new HttpUrl.Builder().scheme(k.tls() ? "https" : "http").host(k.ip())
          .port(k.port()).build());
    }
    HttpUrl.Builder b = base.newBuilder().encodedPath(original.encodedPath()).encodedQuery(original.encodedQuery())
        .encodedFragment(original.encodedFragment());
    if (!original.encodedUsername().isEmpty() || !original.encodedPassword().isEmpty()) {
      b.encodedUsername(original.encodedUsername()).encodedPassword(original.encodedPassword());
    }
    return b.build();
  }
}
