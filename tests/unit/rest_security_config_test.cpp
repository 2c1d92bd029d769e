// The REST security settings as Connect names them: listeners.https.ssl.* over ssl.*, the JAAS
// file's KafkaConnect PropertyFileLoginModule entry, roles, and the Basic credentials a client sends.
#include <gtest/gtest.h>

#include "config/listeners.hpp"
#include "config/rest_security_config.hpp"
#include "rest/basic_auth.hpp"

namespace sluice {
namespace {

TEST(RestSecurityConfig, ListenersServeHttpAndHttpsSideBySide) {
  auto listeners = parseListenerList("http://127.0.0.1:8083, https://[::1]:8443");
  ASSERT_TRUE(listeners.ok()) << listeners.error();
  ASSERT_EQ(listeners->size(), 2u);
  EXPECT_EQ((*listeners)[0].scheme, "http");
  EXPECT_EQ((*listeners)[1].scheme, "https");
  EXPECT_EQ((*listeners)[1].host, "::1");
  EXPECT_EQ((*listeners)[1].port, 8443);
  auto twice = parseListenerList("http://127.0.0.1:8083,https://127.0.0.1:8083");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().find("names 127.0.0.1:8083 twice"), std::string::npos) << twice.error();
}

TEST(RestSecurityConfig, ListenerPrefixWinsOverSslKeys) {
  auto config = WorkerConfig::fromMap({{"ssl.keystore.location", "/etc/worker.p12"},
                                       {"ssl.keystore.password", "worker"},
                                       {"listeners.https.ssl.keystore.location", "/etc/rest.pem"},
                                       {"ssl.client.auth", "REQUESTED"},
                                       {"ssl.truststore.location", "/etc/clients.pem"},
                                       {"listeners.https.ssl.enabled.protocols", "TLSv1.3"}});
  auto s = httpsSettings(config);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->keystoreLocation, "/etc/rest.pem");
  EXPECT_EQ(s->keystoreType, "PEM");  // from the file name, as no type is set
  EXPECT_EQ(s->keystorePassword, "worker");
  EXPECT_EQ(s->clientAuth, ClientAuth::Requested);
  EXPECT_EQ(s->enabledProtocols, std::vector<std::string>{"TLSv1.3"});
  auto p12 = httpsSettings(WorkerConfig::fromMap({{"ssl.keystore.location", "/etc/worker.p12"}}));
  ASSERT_TRUE(p12.ok()) << p12.error();
  EXPECT_EQ(p12->keystoreType, "PKCS12");
  EXPECT_EQ(p12->enabledProtocols, (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
}

TEST(RestSecurityConfig, JaasFileNamesTheCredentialsFile) {
  auto file = credentialsFileFromJaas(
      "// Connect's example\nKafkaClient { x.Y required; };\n/* the REST login */ KafkaConnect {\n"
      "  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
      "  file=\"/etc/sluice/users.properties\";\n};\n",
      "jaas.conf");
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_EQ(file.value(), "/etc/sluice/users.properties");
  auto none = credentialsFileFromJaas("KafkaClient { a.B required file=\"/x\"; };", "jaas.conf");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("no KafkaConnect"), std::string::npos) << none.error();
  auto noFile = credentialsFileFromJaas("KafkaConnect { a.PropertyFileLoginModule required debug=\"true\"; };", "j");
  ASSERT_FALSE(noFile.ok());
  EXPECT_NE(noFile.error().find("no file=\"...\" option"), std::string::npos) << noFile.error();
}

TEST(RestSecurityConfig, RolesAndTheirConflicts) {
  auto s = restAuthSettings(WorkerConfig::fromMap({{"rest.auth.admin.principals", "alice, CN=ops-bot"},
                                                   {"rest.auth.readonly.principals", "bob"},
                                                   {"rest.auth.default.role", "none"}}));
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(s->admins.count("CN=ops-bot"));
  EXPECT_TRUE(s->readOnly.count("bob"));
  EXPECT_EQ(s->defaultRole, RestRole::None);
  auto both = restAuthSettings(
      WorkerConfig::fromMap({{"rest.auth.admin.principals", "alice"}, {"rest.auth.readonly.principals", "alice"}}));
  EXPECT_FALSE(both.ok());
}

TEST(RestSecurityConfig, BasicAuthorizationHeader) {
  std::string user, password;
  ASSERT_TRUE(parseBasicAuthorization("Basic YWxpY2U6czNjcjN0OndpdGg6Y29sb25z", user, password));  // alice:s3cr3t:with:colons
  EXPECT_EQ(user, "alice");
  EXPECT_EQ(password, "s3cr3t:with:colons");
  ASSERT_TRUE(parseBasicAuthorization("basic Ym9iOg==", user, password));  // bob:
  EXPECT_EQ(user, "bob");
  EXPECT_EQ(password, "");
  EXPECT_FALSE(parseBasicAuthorization("Bearer abc", user, password));
  EXPECT_FALSE(parseBasicAuthorization("Basic !!!!", user, password));
  EXPECT_FALSE(parseBasicAuthorization("Basic bm9jb2xvbg==", user, password));  // "nocolon"
}

}  // namespace
}  // namespace sluice
