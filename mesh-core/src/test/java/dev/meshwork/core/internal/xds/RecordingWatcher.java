package dev.meshwork.core.internal.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records callbacks in order; tests take them one by one with a bounded wait. */
final class RecordingWatcher<T> implements ResourceWatcher<T> {
  record Changed(Object value) {}

  record Missing(String name) {}

  record AmbientError(String message) {}

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  @Override
  public void onChanged(T resource) {
    events.add(new Changed(resource));
  }

  @Override
  public void onDoesNotExist(String name) {
    events.add(new Missing(name));
  }

  @Override
  public void onAmbientError(String message) {
    events.add(new AmbientError(message));
  }

  Object next() throws InterruptedException {
    Object e = events.poll(10, TimeUnit.SECONDS);
    if (e == null) {
      fail("no watcher callback within 10 s");
    }
    return e;
  }

  @SuppressWarnings("unchecked")
  T nextChanged() throws InterruptedException {
    return (T) assertInstanceOf(Changed.class, next()).value();
  }

  void nextMissing(String name) throws InterruptedException {
    assertEquals(new Missing(name), next());
  }

  String nextAmbientError() throws InterruptedException {
    return assertInstanceOf(AmbientError.class, next()).message();
  }

  /** Only meaningful after a sync point (e.g. the server received the ACK for the response). */
  void assertNoEvents() {
    assertEquals(null, events.peek(), "unexpected watcher callback");
  }
}
