package dev.meshwork.spring.grpc;

import dev.meshwork.spring.MeshClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ReflectionUtils;

/**
 * Sets every field annotated {@code @MeshClient("ratings")} whose type is a generated gRPC stub
 * (and still null after dependency injection) to a stub on the mesh channel to that service.
 */
public class MeshStubFieldInjector implements BeanPostProcessor {
  private final ObjectProvider<MeshGrpcStubs> stubs;

  /** @param stubs resolved lazily, on the first annotated field */
  public MeshStubFieldInjector(ObjectProvider<MeshGrpcStubs> stubs) {
    this.stubs = stubs;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    ReflectionUtils.doWithFields(bean.getClass(), f -> inject(bean, f),
        f -> f.isAnnotationPresent(MeshClient.class) && !Modifier.isStatic(f.getModifiers()));
    return bean;
  }

  private void inject(Object bean, Field f) {
    ReflectionUtils.makeAccessible(f);
    if (ReflectionUtils.getField(f, bean) == null) {
      ReflectionUtils.setField(f, bean, stubs.getObject().stub(f.getType(), f.getAnnotation(MeshClient.class).value()));
    }
  }
}
