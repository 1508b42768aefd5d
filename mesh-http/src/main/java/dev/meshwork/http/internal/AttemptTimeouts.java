package dev.meshwork.http.internal;

import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The connect, read and write timeouts of the application's call, carried to an attempt sent as an
 * OkHttp call of its own: they are the chain's, so a client derived with {@code newBuilder()} and
 * an interceptor's {@code Chain.withReadTimeout} apply to the attempt too, not only the settings of
 * the client {@code MeshHttp.install} was given. A request tag, set only when they differ.
 */
record AttemptTimeouts(int connectMillis, int readMillis, int writeMillis) {
  /** The attempt client's last application interceptor: applies a request's tagged timeouts. */
  static final Interceptor APPLY = chain -> {
    AttemptTimeouts t = chain.request().tag(AttemptTimeouts.class);
    if (t == null) {
      return chain.proceed(chain.request());
    }
    return chain.withConnectTimeout(t.connectMillis, TimeUnit.MILLISECONDS)
        .withReadTimeout(t.readMillis, TimeUnit.MILLISECONDS)
        .withWriteTimeout(t.writeMillis, TimeUnit.MILLISECONDS)
        .proceed(chain.request());
  };

  /** {@code caller}'s timeouts if they differ from {@code client}'s, else null. */
  static AttemptTimeouts of(Interceptor.Chain caller, OkHttpClient client) {
    int c = caller.connectTimeoutMillis();
    int r = caller.readTimeoutMillis();
    int w = caller.writeTimeoutMillis();
    return c == client.connectTimeoutMillis() && r == client.readTimeoutMillis() && w == client.writeTimeoutMillis()
        ? null : new AttemptTimeouts(c, r, w);
  }

  /** The client attempts are sent with: {@code raw} (same pool and dispatcher) applying the tags. */
  static OkHttpClient attemptClient(OkHttpClient raw) {
    return raw.newBuilder().addInterceptor(APPLY).build();
  }
}
