package dev.meshwork.spring.client;

import dev.meshwork.spring.EnableMeshClients;
import dev.meshwork.spring.MeshClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Defines a bean for every {@link MeshClient} interface in the packages of {@link EnableMeshClients}
 * or, when imported by the auto-configuration, in the application's auto-configuration packages.
 * Each bean (named after the interface) is created lazily by {@link MeshHttpClients}. An interface
 * already defined as a bean is left alone; with {@code mesh.enabled=false} none is defined.
 */
public class MeshClientsRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware,
    ResourceLoaderAware {
  private BeanFactory beanFactory;
  private Environment environment;
  private ResourceLoader resourceLoader;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    if (!environment.getProperty("mesh.enabled", Boolean.class, true)) {
      return;
    }
    for (String pkg : packages(metadata)) {
      for (BeanDefinition candidate : scanner().findCandidateComponents(pkg)) {
        register(candidate.getBeanClassName(), registry);
      }
    }
  }

  private Set<String> packages(AnnotationMetadata metadata) {
    Set<String> packages = new LinkedHashSet<>();
    Map<String, Object> attrs = metadata.getAnnotationAttributes(EnableMeshClients.class.getName());
    if (attrs != null) {
      packages.addAll(List.of((String[]) attrs.get("basePackages")));
      for (Class<?> c : (Class<?>[]) attrs.get("basePackageClasses")) {
        packages.add(ClassUtils.getPackageName(c));
      }
      if (packages.isEmpty()) {
        packages.add(ClassUtils.getPackageName(metadata.getClassName()));
      }
    } else if (AutoConfigurationPackages.has(beanFactory)) {
      packages.addAll(AutoConfigurationPackages.get(beanFactory));
    }
    return packages;
  }

  private ClassPathScanningCandidateComponentProvider scanner() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
        environment) {
      @Override
      protected boolean isCandidateComponent(AnnotatedBeanDefinition bd) {
        return bd.getMetadata().isInterface() && bd.getMetadata().isIndependent()
            && !bd.getMetadata().isAnnotation();
      }
    };
    scanner.setResourceLoader(resourceLoader);
    scanner.addIncludeFilter(new AnnotationTypeFilter(MeshClient.class));
    return scanner;
  }

  private void register(String className, BeanDefinitionRegistry registry) {
    if (registry.containsBeanDefinition(className)) {
      return;
    }
    Class<?> type = ClassUtils.resolveClassName(className, resourceLoader.getClassLoader());
    String service = type.getAnnotation(MeshClient.class).value();
    registry.registerBeanDefinition(className, definition(type, service));
  }

  private <T> RootBeanDefinition definition(Class<T> type, String service) {
    RootBeanDefinition bd = new RootBeanDefinition(type,
        () -> beanFactory.getBean(MeshHttpClients.class).create(type, service));
    bd.setLazyInit(false);
    bd.setAttribute("meshService", service);
    return bd;
  }
}
