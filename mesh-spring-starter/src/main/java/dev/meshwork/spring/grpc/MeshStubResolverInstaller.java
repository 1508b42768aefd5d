package dev.meshwork.spring.grpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;

/**
 * Installs {@link MeshStubAutowireCandidateResolver} in place of Spring's default resolver so
 * {@code @MeshClient} constructor parameters get stubs. When the application installed a resolver of
 * its own, it is kept and only {@code @MeshClient} fields are supported (logged).
 */
public class MeshStubResolverInstaller implements BeanFactoryPostProcessor {
  private static final Logger log = LoggerFactory.getLogger(MeshStubResolverInstaller.class);

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (beanFactory instanceof DefaultListableBeanFactory dlbf) {
      var current = dlbf.getAutowireCandidateResolver();
      if (current.getClass() == ContextAnnotationAutowireCandidateResolver.class) {
        dlbf.setAutowireCandidateResolver(
            new MeshStubAutowireCandidateResolver(() -> dlbf.getBean(MeshGrpcStubs.class)));
      } else if (!(current instanceof MeshStubAutowireCandidateResolver)) {
        log.info("custom autowire candidate resolver {}: @MeshClient gRPC stubs are injected in fields only",
            current.getClass().getName());
      }
    }
  }
}
