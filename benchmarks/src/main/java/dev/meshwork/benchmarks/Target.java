package dev.meshwork.benchmarks;

/** One client under load: a bare one or a mesh one, HTTP or gRPC. Thread-safe. */
interface Target extends AutoCloseable {
  /** e.g. {@code http bare}. */
  String name();

  /** One blocking call; throws on any failure (non-200, transport error). */
  void call() throws Exception;

  /** One asynchronous call; {@code done} runs once, on any thread, with null or the failure. */
  void callAsync(java.util.function.Consumer<Throwable> done);

  /**
   * One blocking call, returning what the client saw of the transport: "plaintext", or the SPIFFE
   * ID of the server's certificate (with the TLS version and cipher suite where known).
   */
  String probe() throws Exception;

  /** Gets connections ready before measuring (HTTP/1.1 pools); nothing by default. */
  default void prime() throws InterruptedException {}

  @Override
  void close();
}
