package dev.meshwork.spring.http;

import java.io.IOException;
import java.net.URI;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

/** One request: Spring's headers and streaming body mapped onto an OkHttp call. */
final class OkHttpClientHttpRequest extends AbstractStreamingClientHttpRequest {
  private final OkHttpClient client;
  private final URI uri;
  private final HttpMethod method;

  OkHttpClientHttpRequest(OkHttpClient client, URI uri, HttpMethod method) {
    this.client = client;
    this.uri = uri;
    this.method = method;
  }

  @Override
  public HttpMethod getMethod() {
    return method;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
    Request.Builder rb = new Request.Builder().url(uri.toString());
    headers.forEach((name, values) -> {
      if (!HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
        values.forEach(v -> rb.addHeader(name, v));
      }
    });
    rb.method(method.name(), requestBody(headers, body));
    return new OkHttpClientHttpResponse(client.newCall(rb.build()).execute());
  }

  private RequestBody requestBody(HttpHeaders headers, @Nullable Body body) {
    boolean needsBody = switch (method.name()) {
      case "POST", "PUT", "PATCH", "PROPPATCH", "REPORT" -> true;
      default -> false;
    };
    String ct = headers.getFirst(HttpHeaders.CONTENT_TYPE);
    MediaType type = ct == null ? null : MediaType.parse(ct);
    if (body == null) {
      return needsBody ? RequestBody.create(new byte[0], type) : null;
    }
    long length = headers.getContentLength();
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return type;
      }

      @Override
      public long contentLength() {
        return length;
      }

      @Override
      public boolean isOneShot() {
        return !body.repeatable();
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        body.writeTo(sink.outputStream());
        sink.flush();
      }
    };
  }
}
