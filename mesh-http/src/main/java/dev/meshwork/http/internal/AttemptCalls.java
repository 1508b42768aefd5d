package dev.meshwork.http.internal;

import java.io.IOException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * Ties an attempt sent as an OkHttp call of its own (mTLS, a route or per-try timeout) to the
 * application's call, so that the application's {@code cancel()} and call timeout stop the attempt
 * in flight. OkHttp cancels a call by cancelling its exchange, and the application's call has none
 * while the mesh runs its attempts as other calls; the only signal is the {@code canceled} event,
 * which {@link #relaying} listens for. The attempt in flight is kept in a tag of the application's
 * call (only calls that send such attempts get one).
 */
public final class AttemptCalls {
  private volatile Call current;

  private AttemptCalls() {}

  private static final EventListener RELAY = new EventListener() {
    @Override
    public void canceled(Call call) {
      AttemptCalls attempts = call.tag(AttemptCalls.class);
      if (attempts != null) {
        Call c = attempts.current;
        if (c != null) {
          c.cancel();
        }
      }
    }
  };

  /**
   * The relay of the application's cancellations to the attempt in flight, plus the application's
   * listeners. The relay goes first, so a listener that throws cannot stop it.
   */
  public static EventListener.Factory relaying(EventListener.Factory application) {
    return call -> {
      EventListener listener = application.create(call);
      return listener == EventListener.NONE ? RELAY : RELAY.plus(listener); // plus allocates even for NONE
    };
  }

  /**
   * Executes {@code attempt} as part of {@code caller}: cancelled when the caller is, before,
   * during, or while the application reads the response body (the attempt stays registered until
   * the next attempt of the same call replaces it; attempts of one call run one after another).
   */
  static Response execute(Call caller, Call attempt) throws IOException {
    AttemptCalls attempts = caller.tag(AttemptCalls.class, AttemptCalls::new);
    // Published before the check: a cancel either sees this attempt or is seen by the check.
    attempts.current = attempt;
    if (caller.isCanceled()) {
      attempt.cancel();
    }
    return attempt.execute();
  }
}
