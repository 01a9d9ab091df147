// Reads an OPDS feed with NYPL's client library, as an e-reading app does, and prints what
// it understood as JSON: the kind of feed, and each entry with its links, each link with the
// class the library gave it (OPDSAcquisitionLink for a file to download, OPDSArtworkLink
// for a cover).
const fs = require("fs");
const OPDSParser = require("opds-feed-parser").default;

function link(found) {
  return {
    class: found.constructor.name, rel: found.rel, href: found.href, type: found.type,
    title: found.title,
  };
}

new OPDSParser().parse(fs.readFileSync(process.argv[2], "utf8")).then((feed) => {
  process.stdout.write(JSON.stringify({
    class: feed.constructor.name, id: feed.id, title: feed.title, updated: feed.updated,
    links: feed.links.map(link),
    entries: feed.entries.map((entry) => ({
      id: entry.id, title: entry.title, updated: entry.updated, language: entry.language,
      summary: entry.summary.content, links: entry.links.map(link),
    })),
  }));
}).catch((error) => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
