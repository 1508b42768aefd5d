package dev.meshwork.spring.grpc;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.spring.MeshChannelCustomizer;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;

/**
 * Stubs on mesh channels for {@code @MeshClient} injection points: one {@code xds:///<service>}
 * channel per service (built with the {@link MeshChannelCustomizer}s, shut down when the context
 * closes), and stubs made by the generated class's own factory ({@code newBlockingStub(Channel)}
 * and the like). Thread-safe.
 */
public class MeshGrpcStubs implements DisposableBean {
  private final Mesh mesh;
  private final List<MeshChannelCustomizer> customizers;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param mesh the workload's mesh: channels use its telemetry, identity and rate limits (no second engine)
   * @param customizers applied in order to every channel builder
   */
  public MeshGrpcStubs(Mesh mesh, List<MeshChannelCustomizer> customizers) {
    this.mesh = mesh;
    this.customizers = List.copyOf(customizers);
  }

  /** The channel to {@code service}, created on first use. */
  public ManagedChannel channel(String service) {
    if (closed) {
      throw new IllegalStateException("mesh gRPC channels are shut down");
    }
    return channels.computeIfAbsent(service, s -> MeshChannels.forService(mesh, s, MeshChannels.meshCredentials(),
        b -> customizers.forEach(c -> c.customize(s, b))));
  }

  /**
   * A stub of {@code stubType} (a generated {@code AbstractStub} subclass such as
   * {@code RatingsGrpc.RatingsBlockingStub}) on the channel to {@code service}.
   *
   * @throws IllegalArgumentException when the type is not a generated stub
   */
  public <T> T stub(Class<T> stubType, String service) {
    if (!AbstractStub.class.isAssignableFrom(stubType)) {
      throw new IllegalArgumentException("@MeshClient(\"" + service + "\") on " + stubType.getName()
          + " (expected: a generated gRPC stub, an io.grpc.stub.AbstractStub subclass)");
    }
    Method factory = factoryMethod(stubType);
    try {
      return stubType.cast(factory.invoke(null, channel(service)));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + stubType.getName() + " with " + factory, e);
    }
  }

  private static Method factoryMethod(Class<?> stubType) {
    Class<?> grpcClass = stubType.getEnclosingClass();
    if (grpcClass != null) {
      for (Method m : grpcClass.getMethods()) {
        if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == stubType && m.getParameterCount() == 1
            && m.getParameterTypes()[0] == Channel.class) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException(stubType.getName()
        + " has no static factory taking a Channel in its enclosing class (expected: a protoc-generated stub)");
  }

  @Override
  public void destroy() throws InterruptedException {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdown);
    for (ManagedChannel c : channels.values()) {
      if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
        c.shutdownNow();
      }
    }
    channels.clear();
  }
}
