package dev.meshwork.spring.autoconfigure.clients;

import dev.meshwork.spring.MeshClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

@MeshClient("reviews")
public interface Reviews {
  @GetExchange("/reviews/{id}")
  String byId(@PathVariable("id") String id);
}
