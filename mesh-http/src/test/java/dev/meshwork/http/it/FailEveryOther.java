package dev.meshwork.http.it;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WireMock upstream that fails exactly every other request it receives with 503, whatever the
 * concurrency (WireMock scenarios race between concurrent requests).
 */
final class FailEveryOther implements ResponseDefinitionTransformerV2 {
  private final AtomicLong count = new AtomicLong();

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    if (count.incrementAndGet() % 2 == 0) {
      return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition().withStatus(503)
          .withBody("failing on purpose").build();
    }
    return event.getResponseDefinition();
  }

  @Override
  public boolean applyGlobally() {
    return true;
  }

  @Override
  public String getName() {
    return "fail-every-other";
  }
}
