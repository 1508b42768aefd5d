package dev.meshwork.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.engine.UpstreamTls;
import java.util.Set;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class EndpointUrlsTest {
  private final EndpointUrls urls = new EndpointUrls();

  @Test
  void keepsTheCallersPathQueryFragmentAndUserInfo_onTheEndpoint() {
    HttpUrl original = HttpUrl.get("http://u:p@reviews:9080/a%20b/c?x=1&y=%2F#frag");
    HttpUrl to = urls.to(original, new Upstream("outbound|9080||reviews", "10.0.0.7", 31000));
    assertEquals("http://u:p@10.0.0.7:31000/a%20b/c?x=1&y=%2F#frag", to.toString());
  }

  @Test
  void mtlsEndpointsAreDialledOverHttps_andIpv6IsBracketed() {
    UpstreamTls tls = new UpstreamTls(Set.of("spiffe://cluster.local/ns/default/sa/reviews"), "");
    assertEquals("https://[::1]:8443/r", urls.to(HttpUrl.get("http://reviews/r"),
        new Upstream("c", "::1", 8443, tls)).toString());
    assertEquals("http://[::1]:8443/r", urls.to(HttpUrl.get("http://reviews/r"), new Upstream("c", "::1", 8443)).toString());
  }

  @Test
  void eachRequestGetsItsOwnPath_fromOneCachedBase() {
    Upstream u = new Upstream("c", "127.0.0.1", 8080);
    assertEquals("http://127.0.0.1:8080/one", urls.to(HttpUrl.get("http://svc/one"), u).toString());
    assertEquals("http://127.0.0.1:8080/two?q", urls.to(HttpUrl.get("http://svc/two?q"), u).toString());
    HttpUrl a = urls.to(HttpUrl.get("http://svc/"), u);
    assertSame(a.host(), urls.to(HttpUrl.get("http://svc/x"), u).host(), "host not re-canonicalized per call");
  }

  @Test
  void theSameUrlAgainIsNotRebuilt_butAnyDifferenceIs() {
    Upstream u = new Upstream("c", "127.0.0.1", 8080);
    HttpUrl first = urls.to(HttpUrl.get("http://svc/one?q=1"), u);
    assertSame(first, urls.to(HttpUrl.get("http://svc/one?q=1"), u), "an equal URL reuses the rewrite");
    assertEquals("http://127.0.0.1:8080/one?q=2", urls.to(HttpUrl.get("http://svc/one?q=2"), u).toString());
    assertEquals("http://127.0.0.1:8080/one?q=1#f", urls.to(HttpUrl.get("http://svc/one?q=1#f"), u).toString());
    assertEquals("http://x@127.0.0.1:8080/one?q=1", urls.to(HttpUrl.get("http://x@svc/one?q=1"), u).toString());
    // the remembered URL is per endpoint: another endpoint never gets this one's address
    assertEquals("http://127.0.0.2:8080/one?q=1",
        urls.to(HttpUrl.get("http://svc/one?q=1"), new Upstream("c", "127.0.0.2", 8080)).toString());
    assertEquals("https://127.0.0.1:8080/one?q=1", urls.to(HttpUrl.get("http://svc/one?q=1"), new Upstream("c",
        "127.0.0.1", 8080, new UpstreamTls(Set.of("spiffe://cluster.local/ns/default/sa/svc"), ""))).toString());
  }
}
