package dev.meshwork.examples.bookstore.productpage;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code productpage} service, the bookstore's front door: {@code GET /productpage/{id}} with
 * an optional {@code end-user} header, which it forwards to {@code reviews} (so header routing
 * works). Answers {@code product <id> reviews <reviews' answer>}.
 */
@SpringBootApplication
@RestController
public class ProductpageApp {
  private final Reviews reviews;

  /** @param reviews the {@code @MeshClient} interface to {@code reviews} */
  public ProductpageApp(Reviews reviews) {
    this.reviews = reviews;
  }

  /** One product page. */
  @GetMapping("/productpage/{id}")
  public String page(@PathVariable("id") String id, @RequestHeader(name = "end-user", required = false) String user) {
    return "product " + id + " reviews " + reviews.byId(id, user);
  }
}
