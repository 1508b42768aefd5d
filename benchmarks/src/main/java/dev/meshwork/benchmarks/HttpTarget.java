package dev.meshwork.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** An OkHttp client (bare or with the mesh installed) GETting 1 KiB from one URL. */
final class HttpTarget implements Target {
  private final String name;
  private final OkHttpClient client;
  private final Request request;

  HttpTarget(String name, OkHttpClient client, String url) {
    this.name = name;
    this.client = client;
    this.request = new Request.Builder().url(url).build();
  }

  /** The same builder for both clients: a pool and dispatcher big enough for the load. */
  static OkHttpClient.Builder builder() {
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(4096);
    d.setMaxRequestsPerHost(4096);
    return new OkHttpClient.Builder().dispatcher(d).connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void call() throws IOException {
    try (Response r = client.newCall(request).execute()) {
      consume(r);
    }
  }

  private static void consume(Response r) throws IOException {
    byte[] body = r.body().bytes();
    if (r.code() != 200 || body.length != 1024) {
      throw new IOException("HTTP " + r.code() + ", " + body.length + " bytes");
    }
  }

  @Override
  public void callAsync(Consumer<Throwable> done) {
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        done.accept(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          consume(response);
          done.accept(null);
        } catch (IOException e) {
          done.accept(e);
        }
      }
    });
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
