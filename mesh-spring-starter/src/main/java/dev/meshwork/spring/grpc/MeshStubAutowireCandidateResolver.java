package dev.meshwork.spring.grpc;

import dev.meshwork.spring.MeshClient;
import io.grpc.stub.AbstractStub;
import java.util.function.Supplier;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;

/**
 * Spring's annotation-aware resolver that also answers {@code @MeshClient("ratings")} constructor
 * (and method) parameters and {@code @Autowired} fields of a generated stub type with a stub on the
 * mesh channel: the suggested value, as {@code @Value} is resolved.
 */
public class MeshStubAutowireCandidateResolver extends ContextAnnotationAutowireCandidateResolver {
  private final Supplier<MeshGrpcStubs> stubs;

  /** @param stubs resolved lazily, on the first annotated parameter */
  public MeshStubAutowireCandidateResolver(Supplier<MeshGrpcStubs> stubs) {
    this.stubs = stubs;
  }

  @Override
  public Object getSuggestedValue(DependencyDescriptor descriptor) {
    MeshClient mc = descriptor.getAnnotation(MeshClient.class);
    if (mc != null && AbstractStub.class.isAssignableFrom(descriptor.getDependencyType())) {
      return stubs.get().stub(descriptor.getDependencyType(), mc.value());
    }
    return super.getSuggestedValue(descriptor);
  }
}
