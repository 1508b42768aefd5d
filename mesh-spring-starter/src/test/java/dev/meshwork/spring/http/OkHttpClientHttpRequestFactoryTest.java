package dev.meshwork.spring.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

class OkHttpClientHttpRequestFactoryTest {
  static WireMockServer server;
  final OkHttpClientHttpRequestFactory factory = new OkHttpClientHttpRequestFactory(new OkHttpClient());

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(get(urlEqualTo("/hello")).willReturn(aResponse().withStatus(200).withHeader("X-Upstream", "a")
        .withHeader("X-Multi", "1", "2").withBody("hi")));
    server.stubFor(post(urlEqualTo("/echo")).willReturn(aResponse().withStatus(201).withBody("created")));
    server.stubFor(get(urlEqualTo("/missing")).willReturn(aResponse().withStatus(404).withStatusMessage("Nope")));
    server.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withFixedDelay(2_000).withBody("late")));
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  @Test
  void get_statusHeadersAndStreamingBody() throws Exception {
    ClientHttpRequest req = factory.createRequest(URI.create(url("/hello")), HttpMethod.GET);
    req.getHeaders().add("X-Caller", "test");
    try (ClientHttpResponse resp = req.execute()) {
      assertThat(resp.getStatusCode()).isEqualTo(HttpStatus.OK);
      assertThat(resp.getHeaders().getFirst("X-Upstream")).isEqualTo("a");
      assertThat(resp.getHeaders().get("X-Multi")).containsExactly("1", "2");
      assertThat(new String(resp.getBody().readAllBytes())).isEqualTo("hi");
    }
    assertThat(server.getAllServeEvents().stream().anyMatch(e -> "test".equals(e.getRequest().getHeader("X-Caller"))))
        .isTrue();
  }

  @Test
  void post_bodyAndContentTypeSent_throughRestClient() {
    RestClient client = RestClient.builder().requestFactory(factory).baseUrl(url("")).build();
    ResponseEntity<String> r = client.post().uri("/echo").contentType(MediaType.TEXT_PLAIN).body("payload")
        .retrieve().toEntity(String.class);
    assertThat(r.getStatusCode().value()).isEqualTo(201);
    assertThat(r.getBody()).isEqualTo("created");
    server.verify(postRequestedFor(urlEqualTo("/echo")).withRequestBody(equalTo("payload"))
        .withHeader("Content-Type", equalTo("text/plain")));
  }

  @Test
  void errorStatus_keepsStatusText() throws Exception {
    try (ClientHttpResponse resp = factory.createRequest(URI.create(url("/missing")), HttpMethod.GET).execute()) {
      assertThat(resp.getStatusCode().value()).isEqualTo(404);
      assertThat(resp.getStatusText()).isEqualTo("Nope");
    }
  }

  @Test
  void readTimeout_applies() {
    RestClient client = RestClient.builder().requestFactory(factory.withReadTimeout(Duration.ofMillis(200))).build();
    assertThatThrownBy(() -> client.get().uri(url("/slow")).retrieve().body(String.class))
        .isInstanceOf(ResourceAccessException.class);
  }
}
