// Secure Kafka connections: Java's security.protocol / sasl.* / ssl.* settings, as Connect users
// write them, reach librdkafka translated. Checked on the effective configuration the code builds
// (rd_kafka_conf_dump), since no secured broker runs here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sluice_kafka/client_config.hpp>
#include <sluice_kafka/client_security.hpp>

#include "kafka/worker_client_settings.hpp"

namespace sluice {
namespace {

using Dump = std::map<std::string, std::string>;

Dump dump(rd_kafka_conf_t* conf) {
  size_t n = 0;
  const char** d = rd_kafka_conf_dump(conf, &n);
  Dump out;
  for (size_t i = 0; i + 1 < n; i += 2) out[d[i]] = d[i + 1];
  rd_kafka_conf_dump_free(d, n);
  return out;
}

// The conf kafka-sink builds for a connector config (the plugins' path).
Dump sinkConf(std::map<std::string, std::string> config) {
  const kafka::ClientConfigSpec spec{.prefix = "producer.", .clientIdPrefix = "connector-producer-", .defaults = {},
                                     .enforced = {}, .required = {"bootstrap.servers"}, .ownKeys = {}};
  config.emplace("bootstrap.servers", "broker:9093");
  rd_kafka_conf_t* conf = kafka::buildClientConf(Config(config), spec);
  Dump d = dump(conf);
  rd_kafka_conf_destroy(conf);
  return d;
}

std::string sinkConfError(std::map<std::string, std::string> config) {
  try {
    sinkConf(std::move(config));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaClientSecurity, SaslSslWithPlainJaasBecomesLibrdkafkaSettings) {
  Dump d = sinkConf({{"producer.security.protocol", "SASL_SSL"},
                     {"producer.sasl.mechanism", "PLAIN"},
                     {"producer.sasl.jaas.config",
                      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cr\\\"et\";"}});
  EXPECT_EQ(d["security.protocol"], "sasl_ssl");
  EXPECT_EQ(d["sasl.mechanisms"], "PLAIN");
  EXPECT_EQ(d["sasl.username"], "alice");
  EXPECT_EQ(d["sasl.password"], "s3cr\"et");
}

TEST(KafkaClientSecurity, ScramJaasAndMechanismTranslate) {
  for (const char* mechanism : {"SCRAM-SHA-256", "SCRAM-SHA-512"}) {
    Dump d = sinkConf({{"producer.security.protocol", "sasl_plaintext"},
                       {"producer.sasl.mechanism", mechanism},
                       {"producer.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=bob\n  password=\"pw\";"}});
    EXPECT_EQ(d["security.protocol"], "sasl_plaintext");
    EXPECT_EQ(d["sasl.mechanisms"], mechanism);
    EXPECT_EQ(d["sasl.username"], "bob");
    EXPECT_EQ(d["sasl.password"], "pw");
  }
}

TEST(KafkaClientSecurity, Pkcs12KeystoreAndPemTruststoreMapToSslSettings) {
  Dump d = sinkConf({{"producer.security.protocol", "SSL"},
                     {"producer.ssl.keystore.type", "PKCS12"},
                     {"producer.ssl.keystore.location", "/etc/kafka/client.p12"},
                     {"producer.ssl.keystore.password", "storepw"},
                     {"producer.ssl.truststore.type", "PEM"},
                     {"producer.ssl.truststore.location", "/etc/kafka/ca.pem"},
                     {"producer.ssl.endpoint.identification.algorithm", ""},
                     {"producer.ssl.enabled.protocols", "TLSv1.2,TLSv1.3"}});
  EXPECT_EQ(d["security.protocol"], "ssl");
  EXPECT_EQ(d["ssl.keystore.location"], "/etc/kafka/client.p12");
  EXPECT_EQ(d["ssl.keystore.password"], "storepw");
  EXPECT_EQ(d["ssl.ca.location"], "/etc/kafka/ca.pem");
  EXPECT_EQ(d["ssl.endpoint.identification.algorithm"], "none");
}

TEST(KafkaClientSecurity, PemKeystoreGivesCertificateAndKeyLocations) {
  Dump d = sinkConf({{"producer.security.protocol", "SSL"},
                     {"producer.ssl.keystore.type", "PEM"},
                     {"producer.ssl.keystore.location", "/etc/kafka/client.pem"},
                     {"producer.ssl.key.password", "keypw"},
                     {"producer.ssl.endpoint.identification.algorithm", "HTTPS"}});
  EXPECT_EQ(d["ssl.certificate.location"], "/etc/kafka/client.pem");
  EXPECT_EQ(d["ssl.key.location"], "/etc/kafka/client.pem");
  EXPECT_EQ(d["ssl.key.password"], "keypw");
  EXPECT_EQ(d["ssl.endpoint.identification.algorithm"], "https");
  EXPECT_EQ(d.count("ssl.keystore.location"), 0u);
}

TEST(KafkaClientSecurity, Pkcs12TruststoreIsReadIntoCaPem) {
  char dirTemplate[] = "/tmp/sluice-truststore-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::filesystem::path dir(dirTemplate);
  std::string ca = (dir / "ca.pem").string(), key = (dir / "ca.key").string(), store = (dir / "truststore.p12").string();
  std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=sluice-test-ca -days 2 -keyout " + key + " -out " + ca +
                     " >/dev/null 2>&1 && openssl pkcs12 -export -nokeys -in " + ca + " -out " + store +
                     " -passout pass:trustpw >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  std::ifstream in(ca);
  std::string caPem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Dump d = sinkConf({{"producer.security.protocol", "SSL"},
                     {"producer.ssl.truststore.location", store},
                     {"producer.ssl.truststore.password", "trustpw"}});
  EXPECT_EQ(d["ssl.ca.pem"], caPem);

  std::string wrong = sinkConfError({{"producer.ssl.truststore.location", store}, {"producer.ssl.truststore.password", "nope"}});
  EXPECT_NE(wrong.find("producer.ssl.truststore.location"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("wrong ssl.truststore.password?"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find("nope"), std::string::npos) << wrong;

  std::string notPkcs12 = sinkConfError({{"producer.ssl.truststore.type", "PKCS12"}, {"producer.ssl.truststore.location", ca}});
  EXPECT_NE(notPkcs12.find("is not a PKCS12 file"), std::string::npos) << notPkcs12;
  std::filesystem::remove_all(dir);
}

TEST(KafkaClientSecurity, ErrorsNameThePrefixedKeyAndNeverQuoteTheSecret) {
  std::string protocol = sinkConfError({{"producer.security.protocol", "TLS"}});
  EXPECT_EQ(protocol,
            "Invalid value TLS for configuration producer.security.protocol: String must be one of: PLAINTEXT, SSL, "
            "SASL_PLAINTEXT, SASL_SSL");

  std::string jaas = sinkConfError(
      {{"producer.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\""}});
  EXPECT_NE(jaas.find("producer.sasl.jaas.config"), std::string::npos) << jaas;
  EXPECT_NE(jaas.find("must end with ';'"), std::string::npos) << jaas;
  EXPECT_EQ(jaas.find("hunter2"), std::string::npos) << jaas;

  std::string noPassword =
      sinkConfError({{"producer.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\";"}});
  EXPECT_NE(noPassword.find("needs both username and password"), std::string::npos) << noPassword;

  std::string pemPassword = sinkConfError({{"producer.ssl.keystore.type", "PEM"}, {"producer.ssl.keystore.password", "hunter2"}});
  EXPECT_NE(pemPassword.find("cannot be specified with PEM format"), std::string::npos) << pemPassword;
  EXPECT_EQ(pemPassword.find("hunter2"), std::string::npos) << pemPassword;
}

TEST(KafkaClientSecurity, JaasWithTwoModulesOrAnUnknownModuleIsRefused) {
  std::string two = sinkConfError({{"producer.sasl.jaas.config",
                                    "a.PlainLoginModule required username=u password=p; a.PlainLoginModule required username=v password=q;"}});
  EXPECT_NE(two.find("exactly one is allowed"), std::string::npos) << two;
  std::string oauth = sinkConfError(
      {{"producer.sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"}});
  EXPECT_NE(oauth.find("OAuthBearerLoginModule is not translated"), std::string::npos) << oauth;
}

TEST(KafkaClientSecurity, LibrdkafkaNamesStillPassThrough) {
  Dump d = sinkConf({{"producer.sasl.username", "native"}, {"producer.sasl.password", "pw"}, {"producer.linger.ms", "7"}});
  EXPECT_EQ(d["sasl.username"], "native");
  EXPECT_EQ(d["queue.buffering.max.ms"], "7");  // linger.ms is librdkafka's alias of it
}

// The host's own admin client (group offsets): the worker's top-level security keys, admin.* over them.
TEST(KafkaClientSecurity, WorkerAdminClientInheritsTopLevelSecurityThenAdminPrefix) {
  auto worker = WorkerConfig::fromMap({{"bootstrap.servers", "broker:9093"},
                                       {"security.protocol", "SASL_SSL"},
                                       {"sasl.mechanism", "SCRAM-SHA-256"},
                                       {"sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"w\" password=\"wp\";"},
                                       {"admin.sasl.mechanism", "SCRAM-SHA-512"},
                                       {"plugin.path", "/opt/plugins"}});
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto applied = applyWorkerClientSettings(conf, worker, WorkerClient::Admin);
  ASSERT_TRUE(applied.ok()) << applied.error();
  Dump d = dump(conf);
  rd_kafka_conf_destroy(conf);
  EXPECT_EQ(d["security.protocol"], "sasl_ssl");
  EXPECT_EQ(d["sasl.mechanisms"], "SCRAM-SHA-512");
  EXPECT_EQ(d["sasl.username"], "w");
  EXPECT_EQ(d["sasl.password"], "wp");
}

// Connect gives connector producers only producer.*, never the top-level settings.
TEST(KafkaClientSecurity, WorkerProducerTakesOnlyProducerPrefix) {
  auto worker = WorkerConfig::fromMap({{"security.protocol", "SASL_SSL"}, {"producer.security.protocol", "SSL"}});
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ASSERT_TRUE(applyWorkerClientSettings(conf, worker, WorkerClient::Producer).ok());
  Dump d = dump(conf);
  rd_kafka_conf_destroy(conf);
  EXPECT_EQ(d["security.protocol"], "ssl");
}

TEST(KafkaClientSecurity, WorkerErrorNamesTheKeyAsTheWorkerSpellsIt) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto topLevel = applyWorkerClientSettings(conf, WorkerConfig::fromMap({{"security.protocol", "bogus"}}), WorkerClient::Admin);
  ASSERT_FALSE(topLevel.ok());
  EXPECT_NE(topLevel.error().find("configuration security.protocol:"), std::string::npos) << topLevel.error();
  auto prefixed = applyWorkerClientSettings(conf, WorkerConfig::fromMap({{"admin.security.protocol", "bogus"}}), WorkerClient::Admin);
  ASSERT_FALSE(prefixed.ok());
  EXPECT_NE(prefixed.error().find("configuration admin.security.protocol:"), std::string::npos) << prefixed.error();
  rd_kafka_conf_destroy(conf);
}

TEST(KafkaClientSecurity, UnsetStoreTypeIsPemForPemFileNames) {
  Dump d = sinkConf({{"producer.security.protocol", "SSL"}, {"producer.ssl.truststore.location", "/etc/kafka/ca.pem"}});
  EXPECT_EQ(d["ssl.ca.location"], "/etc/kafka/ca.pem");
  EXPECT_EQ(d.count("ssl.ca.pem"), 0u);
}

// The top-level ssl.* keys also serve the https REST listener: a PLAINTEXT cluster must not get them.
TEST(KafkaClientSecurity, AdminClientTakesTopLevelSslKeysOnlyWhenItSpeaksTls) {
  std::map<std::string, std::string> values = {{"ssl.keystore.location", "/etc/sluice/rest.p12"}, {"ssl.keystore.password", "pw"}};
  rd_kafka_conf_t* plain = rd_kafka_conf_new();
  ASSERT_TRUE(applyWorkerClientSettings(plain, WorkerConfig::fromMap(values), WorkerClient::Admin).ok());
  EXPECT_EQ(dump(plain).count("ssl.keystore.location"), 0u);
  rd_kafka_conf_destroy(plain);
  values["security.protocol"] = "SSL";
  rd_kafka_conf_t* tls = rd_kafka_conf_new();
  ASSERT_TRUE(applyWorkerClientSettings(tls, WorkerConfig::fromMap(values), WorkerClient::Admin).ok());
  EXPECT_EQ(dump(tls)["ssl.keystore.location"], "/etc/sluice/rest.p12");
  rd_kafka_conf_destroy(tls);
}

TEST(SensitiveKeys, PasswordsJaasAndBasicAuthAreSecretsWhateverThePrefix) {
  for (const char* key : {"ssl.key.password", "producer.sasl.jaas.config", "consumer.override.sasl.password", "sasl.jaas.config",
                          "value.converter.basic.auth.user.info", "connection.password", "password", "ssl.keystore.key"})
    EXPECT_TRUE(kafka::isSensitiveConfigKey(key)) << key;
  for (const char* key : {"ssl.keystore.location", "nopassword", "sasl.mechanism", "topics", "password.length"})
    EXPECT_FALSE(kafka::isSensitiveConfigKey(key)) << key;
}

}  // namespace
}  // namespace sluice
