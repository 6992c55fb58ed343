"""Word lists for the dynamic variables that Faker (en_US) has no direct method for.

Postman draws these from faker.js 5 (`hacker`, `commerce`, `database`, `name.job*`, ...).
Python's Faker has no equivalents, so small fixed vocabularies of the same kind live here;
keeping them in plain tuples also means these names never need the (slow) Faker import.
"""

from __future__ import annotations

# Mostly ISO 639-1 language codes, plus a few ISO 639-2/3 ones (as in Postman's list).
LOCALES: tuple[str, ...] = (
    "af", "am", "an", "ar", "ast", "az", "be", "bg", "bn", "br", "bs", "ca", "ceb", "ckb", "co",
    "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fil", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "ha", "haw", "he", "hi", "hmn", "hr", "ht", "hu", "hy",
    "ia", "id", "ig", "is", "it", "ja", "jv", "ka", "kk", "km", "kn", "ko", "ku", "ky", "la",
    "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "nb",
    "ne", "nl", "nn", "no", "ny", "oc", "om", "or", "pa", "pl", "ps", "pt", "qu", "rm", "ro",
    "ru", "sd", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "st", "su", "sv", "sw", "ta",
    "te", "tg", "th", "ti", "tk", "to", "tr", "tt", "ug", "uk", "ur", "uz", "vi", "xh", "yi",
    "yo", "zh", "zu",
)  # fmt: skip

DIRECTORY_PATHS: tuple[str, ...] = (
    "/Applications", "/bin", "/boot", "/boot/defaults", "/dev", "/etc", "/etc/defaults",
    "/etc/mail", "/etc/namedb", "/etc/periodic", "/etc/ppp", "/home", "/home/user",
    "/home/user/dir", "/lib", "/Library", "/lost+found", "/media", "/mnt", "/net", "/Network",
    "/opt", "/opt/bin", "/opt/include", "/opt/lib", "/opt/sbin", "/opt/share", "/private",
    "/private/tmp", "/private/var", "/proc", "/rescue", "/root", "/sbin", "/selinux", "/srv",
    "/sys", "/System", "/tmp", "/Users", "/usr", "/usr/X11R6", "/usr/bin", "/usr/include",
    "/usr/lib", "/usr/libdata", "/usr/libexec", "/usr/local/bin", "/usr/local/src", "/usr/obj",
    "/usr/ports", "/usr/sbin", "/usr/share", "/usr/src", "/var", "/var/log", "/var/mail",
    "/var/spool", "/var/tmp", "/var/yp",
)  # fmt: skip

COLORS: tuple[str, ...] = (
    "red", "green", "blue", "yellow", "purple", "mint green", "teal", "white", "black", "orange",
    "pink", "grey", "maroon", "violet", "turquoise", "tan", "sky blue", "salmon", "plum",
    "orchid", "olive", "magenta", "lime", "ivory", "indigo", "gold", "fuchsia", "cyan", "azure",
    "lavender", "silver",
)  # fmt: skip

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
WEEKDAYS: tuple[str, ...] = (
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
)  # fmt: skip

JOB_DESCRIPTORS: tuple[str, ...] = (
    "Lead", "Senior", "Direct", "Corporate", "Dynamic", "Future", "Product", "National",
    "Regional", "District", "Central", "Global", "Customer", "Investor", "Internal",
    "International", "Legacy", "Forward", "Principal", "Chief", "Human",
)  # fmt: skip
JOB_AREAS: tuple[str, ...] = (
    "Solutions", "Program", "Brand", "Security", "Research", "Marketing", "Directives",
    "Implementation", "Integration", "Functionality", "Response", "Paradigm", "Tactics",
    "Identity", "Markets", "Group", "Division", "Applications", "Optimization", "Operations",
    "Infrastructure", "Intranet", "Communications", "Web", "Branding", "Quality", "Assurance",
    "Mobility", "Accounts", "Factors", "Creative", "Configuration", "Accountability",
    "Interactions", "Data", "Usability", "Metrics",
)  # fmt: skip
JOB_TYPES: tuple[str, ...] = (
    "Supervisor", "Associate", "Executive", "Liaison", "Officer", "Manager", "Engineer",
    "Specialist", "Director", "Coordinator", "Administrator", "Architect", "Analyst",
    "Designer", "Planner", "Orchestrator", "Technician", "Developer", "Producer", "Consultant",
    "Assistant", "Facilitator", "Agent", "Representative", "Strategist",
)  # fmt: skip

ACCOUNT_TYPES: tuple[str, ...] = (
    "Checking", "Savings", "Money Market", "Investment", "Home Loan", "Credit Card",
    "Auto Loan", "Personal Loan",
)  # fmt: skip
TRANSACTION_TYPES: tuple[str, ...] = ("deposit", "withdrawal", "payment", "invoice")

# (bank-code letters are random; these give the BIC a real country part)
BIC_COUNTRIES: tuple[str, ...] = ("US", "GB", "DE", "FR", "NL", "CH", "IT", "ES", "BE", "SE")
# IBAN country code -> total length; spans the 15..31 range that real IBANs use.
IBAN_LENGTHS: dict[str, int] = {
    "NO": 15, "BE": 16, "DK": 18, "NL": 18, "AT": 20, "CH": 21, "DE": 22, "GB": 22, "IE": 22,
    "ES": 24, "SE": 24, "PT": 25, "FR": 27, "IT": 27, "PL": 28, "HU": 28, "MT": 31,
}  # fmt: skip

HACKER_ABBREVIATIONS: tuple[str, ...] = (
    "ADP", "AGP", "AI", "API", "ASCII", "CLI", "COM", "CSS", "DNS", "EXE", "FTP", "GB", "HDD",
    "HEX", "HTTP", "IB", "IP", "JBOD", "JSON", "OCR", "PCI", "PNG", "RAM", "RSS", "SAS", "SCSI",
    "SDD", "SMS", "SMTP", "SQL", "SSD", "SSL", "TCP", "THX", "TLS", "UDP", "USB", "UTF8", "XML",
    "XSS",
)  # fmt: skip
HACKER_ADJECTIVES: tuple[str, ...] = (
    "auxiliary", "primary", "back-end", "digital", "open-source", "virtual", "cross-platform",
    "redundant", "online", "haptic", "multi-byte", "bluetooth", "wireless", "1080p", "neural",
    "optical", "solid state", "mobile",
)  # fmt: skip
HACKER_NOUNS: tuple[str, ...] = (
    "driver", "protocol", "bandwidth", "panel", "microchip", "program", "port", "card", "array",
    "interface", "system", "sensor", "firewall", "hard drive", "pixel", "alarm", "feed",
    "monitor", "application", "transmitter", "bus", "circuit", "capacitor", "matrix",
)  # fmt: skip
HACKER_VERBS: tuple[str, ...] = (
    "back up", "bypass", "hack", "override", "compress", "copy", "navigate", "index", "connect",
    "generate", "quantify", "calculate", "synthesize", "input", "transmit", "program", "reboot",
    "parse",
)  # fmt: skip
HACKER_INGVERBS: tuple[str, ...] = (
    "backing up", "bypassing", "hacking", "overriding", "compressing", "copying", "navigating",
    "indexing", "connecting", "generating", "quantifying", "calculating", "synthesizing",
    "transmitting", "programming", "parsing",
)  # fmt: skip
# Placeholders: {abbreviation} {adjective} {noun} {verb} {ingverb}
HACKER_PHRASES: tuple[str, ...] = (
    "If we {verb} the {noun}, we can get to the {abbreviation} {noun} through the {adjective} "
    "{abbreviation} {noun}!",
    "We need to {verb} the {adjective} {abbreviation} {noun}!",
    "Try to {verb} the {abbreviation} {noun}, maybe it will {verb} the {adjective} {noun}!",
    "You can't {verb} the {noun} without {ingverb} the {adjective} {abbreviation} {noun}!",
    "Use the {adjective} {abbreviation} {noun}, then you can {verb} the {adjective} {noun}!",
    "The {abbreviation} {noun} is down, {verb} the {adjective} {noun} so we can {verb} the "
    "{abbreviation} {noun}!",
    "{ingverb} the {noun} won't do anything, we need to {verb} the {adjective} "
    "{abbreviation} {noun}!",
    "I'll {verb} the {adjective} {abbreviation} {noun}, that should {noun} the {abbreviation} "
    "{noun}!",
)

PRODUCT_ADJECTIVES: tuple[str, ...] = (
    "Small", "Ergonomic", "Rustic", "Intelligent", "Gorgeous", "Incredible", "Fantastic",
    "Practical", "Sleek", "Awesome", "Generic", "Handcrafted", "Handmade", "Licensed", "Refined",
    "Unbranded", "Tasty",
)  # fmt: skip
PRODUCT_MATERIALS: tuple[str, ...] = (
    "Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber", "Metal", "Soft",
    "Fresh", "Frozen",
)  # fmt: skip
PRODUCTS: tuple[str, ...] = (
    "Chair", "Car", "Computer", "Keyboard", "Mouse", "Bike", "Ball", "Gloves", "Pants", "Shirt",
    "Table", "Shoes", "Hat", "Towels", "Soap", "Tuna", "Chicken", "Fish", "Cheese", "Bacon",
    "Pizza", "Salad", "Sausages", "Chips",
)  # fmt: skip
DEPARTMENTS: tuple[str, ...] = (
    "Books", "Movies", "Music", "Games", "Electronics", "Computers", "Home", "Garden", "Tools",
    "Grocery", "Health", "Beauty", "Toys", "Kids", "Baby", "Clothing", "Shoes", "Jewelery",
    "Sports", "Outdoors", "Automotive", "Industrial",
)  # fmt: skip

CATCH_PHRASE_ADJECTIVES: tuple[str, ...] = (
    "Adaptive", "Advanced", "Ameliorated", "Assimilated", "Automated", "Balanced",
    "Business-focused", "Centralized", "Cloned", "Compatible", "Configurable", "Cross-platform",
    "Customer-focused", "Decentralized", "Devolved", "Digitized", "Distributed", "Diverse",
    "Enhanced", "Enterprise-wide", "Ergonomic", "Exclusive", "Expanded", "Extended",
    "Face to face", "Focused", "Front-line", "Fully-configurable", "Function-based",
    "Fundamental", "Future-proofed", "Grass-roots", "Horizontal", "Implemented", "Innovative",
    "Integrated", "Intuitive", "Inverse", "Managed", "Mandatory", "Monitored", "Multi-channelled",
    "Networked", "Open-source", "Operative", "Optimized", "Optional", "Organic", "Organized",
    "Persevering", "Persistent", "Polarised", "Pre-emptive", "Proactive", "Profit-focused",
    "Programmable", "Progressive", "Quality-focused", "Reactive", "Realigned", "Re-engineered",
    "Reduced", "Reverse-engineered", "Robust", "Seamless", "Secured", "Self-enabling",
    "Sharable", "Stand-alone", "Streamlined", "Switchable", "Synchronised", "Synergistic",
    "Total", "Triple-buffered", "Universal", "Up-sized", "Upgradable", "User-centric",
    "User-friendly", "Versatile", "Virtual", "Visionary",
)  # fmt: skip
CATCH_PHRASE_DESCRIPTORS: tuple[str, ...] = (
    "24 hour", "24/7", "3rd generation", "4th generation", "5th generation", "6th generation",
    "actuating", "analyzing", "asymmetric", "asynchronous", "attitude-oriented",
    "bandwidth-monitored", "bi-directional", "bifurcated", "client-driven", "client-server",
    "coherent", "cohesive",
    "composite", "content-based", "context-sensitive", "contextually-based", "dedicated",
    "demand-driven", "didactic", "directional", "discrete", "dynamic", "eco-centric",
    "empowering", "encompassing", "executive", "explicit", "exuding", "fault-tolerant",
    "foreground", "fresh-thinking", "full-range", "global", "heuristic", "high-level", "holistic",
    "homogeneous", "hybrid", "impactful", "incremental", "intangible", "interactive",
    "intermediate", "leading edge", "local", "logistical", "maximized", "methodical",
    "mission-critical", "mobile", "modular", "motivating", "multimedia", "multi-state",
    "multi-tasking", "national", "neutral", "next generation", "non-volatile",
    "object-oriented", "optimal", "optimizing", "radical", "real-time", "reciprocal",
    "regional", "responsive", "scalable", "secondary", "solution-oriented", "stable", "static",
    "systematic", "systemic", "tangible", "tertiary", "transitional", "uniform", "upward-trending",
    "user-facing", "value-added", "web-enabled", "well-modulated", "zero administration",
    "zero defect", "zero tolerance",
)  # fmt: skip
CATCH_PHRASE_NOUNS: tuple[str, ...] = (
    "ability", "access", "adapter", "algorithm", "alliance", "analyzer", "application",
    "approach", "architecture", "archive", "artificial intelligence", "array", "attitude",
    "benchmark", "budgetary management", "capability", "capacity", "challenge", "circuit",
    "collaboration", "complexity", "concept", "conglomeration", "contingency", "core",
    "customer loyalty", "database", "data-warehouse", "definition", "emulation", "encoding",
    "encryption", "extranet", "firmware", "flexibility", "focus group", "forecast", "frame",
    "framework", "function", "functionalities", "Graphic Interface", "groupware",
    "Graphical User Interface", "hardware", "help-desk", "hierarchy", "hub", "implementation",
    "info-mediaries", "infrastructure", "initiative", "installation", "instruction set",
    "interface", "internet solution", "intranet", "knowledge user", "knowledge base",
    "local area network", "leverage", "matrices", "matrix", "methodology", "middleware",
    "migration", "model", "moderator", "monitoring", "moratorium", "neural-net",
    "open architecture", "open system", "orchestration", "paradigm", "parallelism", "policy",
    "portal", "pricing structure", "process improvement", "product", "productivity", "project",
    "projection", "protocol", "secured line", "service-desk", "software", "solution",
    "standardization", "strategy", "structure", "success", "superstructure", "support",
    "synergy", "system engine", "task-force", "throughput", "time-frame", "toolset",
    "utilisation", "website", "workforce",
)  # fmt: skip

BS_BUZZ: tuple[str, ...] = (
    "implement", "utilize", "integrate", "streamline", "optimize", "evolve", "transform",
    "embrace", "enable", "orchestrate", "leverage", "reinvent", "aggregate", "architect",
    "enhance", "incentivize", "morph", "empower", "envisioneer", "monetize", "harness",
    "facilitate", "seize", "disintermediate", "synergize", "strategize", "deploy", "brand",
    "grow", "target", "syndicate", "synthesize", "deliver", "mesh", "incubate", "engage",
    "maximize", "benchmark", "expedite", "reintermediate", "whiteboard", "visualize",
    "repurpose", "innovate", "scale", "unleash", "drive", "extend", "engineer",
    "revolutionize", "generate", "exploit", "transition", "e-enable", "iterate", "cultivate",
    "matrix", "productize", "redefine", "recontextualize",
)  # fmt: skip
BS_ADJECTIVES: tuple[str, ...] = (
    "clicks-and-mortar", "value-added", "vertical", "proactive", "robust", "revolutionary",
    "scalable", "leading-edge", "innovative", "intuitive", "strategic", "e-business",
    "mission-critical", "sticky", "one-to-one", "24/7", "end-to-end", "global", "B2B", "B2C",
    "granular", "frictionless", "virtual", "viral", "dynamic", "24/365", "best-of-breed",
    "killer", "magnetic", "bleeding-edge", "web-enabled", "interactive", "dot-com", "sexy",
    "back-end", "real-time", "efficient", "front-end", "distributed", "seamless", "extensible",
    "turn-key", "world-class", "open-source", "cross-platform", "cross-media", "synergistic",
    "bricks-and-clicks", "out-of-the-box", "enterprise", "integrated", "impactful", "wireless",
    "transparent", "next-generation", "cutting-edge", "user-centric", "visionary",
    "customized", "ubiquitous", "plug-and-play", "collaborative", "compelling", "holistic",
    "rich",
)  # fmt: skip
BS_NOUNS: tuple[str, ...] = (
    "synergies", "web-readiness", "paradigms", "markets", "partnerships", "infrastructures",
    "platforms", "initiatives", "channels", "eyeballs", "communities", "ROI", "solutions",
    "e-tailers", "e-services", "action-items", "portals", "niches", "technologies", "content",
    "vortals", "supply-chains", "convergence", "relationships", "architectures", "interfaces",
    "e-markets", "e-commerce", "systems", "bandwidth", "infomediaries", "models", "mindshare",
    "deliverables", "users", "schemas", "networks", "applications", "metrics", "e-business",
    "functionalities", "experiences", "web services", "methodologies",
)  # fmt: skip

DATABASE_COLUMNS: tuple[str, ...] = (
    "id", "title", "name", "email", "phone", "token", "group", "category", "password",
    "comment", "avatar", "status", "createdAt", "updatedAt",
)  # fmt: skip
DATABASE_TYPES: tuple[str, ...] = (
    "int", "varchar", "text", "date", "datetime", "tinyint", "time", "timestamp", "smallint",
    "mediumint", "bigint", "decimal", "float", "double", "real", "bit", "boolean", "serial",
    "blob", "binary", "enum", "set", "geometry", "point",
)  # fmt: skip
DATABASE_COLLATIONS: tuple[str, ...] = (
    "utf8_unicode_ci", "utf8_general_ci", "utf8_bin", "ascii_bin", "ascii_general_ci",
    "cp1250_bin", "cp1250_general_ci",
)  # fmt: skip
DATABASE_ENGINES: tuple[str, ...] = (
    "InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE",
)  # fmt: skip

# Top-level MIME types ($randomFileType) and the "common" subset and extensions.
FILE_TYPES: tuple[str, ...] = (
    "application", "audio", "font", "image", "message", "model", "multipart", "text", "video",
)  # fmt: skip
COMMON_FILE_TYPES: tuple[str, ...] = ("video", "audio", "image", "text", "application")
COMMON_FILE_EXTS: tuple[str, ...] = (
    "pdf", "mpga", "mp3", "wav", "png", "jpeg", "jpg", "gif", "mp4", "mpeg", "html",
)  # fmt: skip

IMAGE_CATEGORIES: tuple[str, ...] = (
    "abstract", "animals", "business", "cats", "city", "food", "nightlife", "fashion", "people",
    "nature", "sports", "transport",
)  # fmt: skip
