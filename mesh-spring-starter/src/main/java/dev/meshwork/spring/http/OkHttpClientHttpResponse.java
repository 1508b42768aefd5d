package dev.meshwork.spring.http;

import java.io.InputStream;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/** An OkHttp response seen by Spring; closing it releases the connection. */
final class OkHttpClientHttpResponse implements ClientHttpResponse {
  private final Response response;
  private HttpHeaders headers;

  OkHttpClientHttpResponse(Response response) {
    this.response = response;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return HttpStatusCode.valueOf(response.code());
  }

  @Override
  public String getStatusText() {
    return response.message();
  }

  @Override
  public HttpHeaders getHeaders() {
    if (headers == null) {
      HttpHeaders h = new HttpHeaders();
      response.headers().forEach(pair -> h.add(pair.getFirst(), pair.getSecond()));
      headers = h;
    }
    return headers;
  }

  @Override
  public InputStream getBody() {
    ResponseBody body = response.body();
    return body == null ? InputStream.nullInputStream() : body.byteStream();
  }

  @Override
  public void close() {
    response.close();
  }
}
