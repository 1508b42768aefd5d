/** Spring's HTTP client abstractions over OkHttp, so {@code RestClient} calls go through the mesh. */
package dev.meshwork.spring.http;
