use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use scrutin::config::Config;
use scrutin::db::Db;
use scrutin::services::accounts;
use scrutin::services::import::{self, ImportOutcome};
use scrutin::startup::Application;

#[derive(Parser)]
#[command(
    name = "scrutin",
    version,
    about = "Governance of a SCIC: register, assemblies, exact votes, minutes"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create an administrator account, or reset its password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Import a CSV file (all or nothing).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Fill an empty database with a demonstration cooperative and print its logins.
    Demo,
    /// Write the minutes of an assembly (html, pdf, md or odt).
    Minutes {
        assembly_id: i64,
        #[arg(long, default_value = "html")]
        format: String,
        /// The file to write; standard output if left out.
        #[arg(short = 'o', long = "output")]
        output: Option<std::path::PathBuf>,
    },
    /// Write the whole cooperative as one JSON archive (to move it to another database).
    Export {
        /// The file to write; standard output if left out.
        #[arg(short = 'o', long = "output")]
        output: Option<std::path::PathBuf>,
    },
    /// Load a JSON archive made by `scrutin export` into an empty database.
    ImportArchive { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Admit the associates of a CSV file, with their initial subscriptions.
    Associates { file: std::path::PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    scrutin::telemetry::init();
    let result = Config::from_env()
        .map_err(anyhow::Error::msg)
        .and_then(|config| match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config),
            Command::Migrate => migrate(config),
            Command::CreateAdmin {
                email,
                password_stdin,
            } => create_admin(config, &email, password_stdin),
            Command::Import(ImportCommand::Associates { file }) => import_associates(config, &file),
            Command::Demo => demo(config),
            Command::Minutes {
                assembly_id,
                format,
                output,
            } => write_minutes(config, assembly_id, &format, output.as_deref()),
            Command::Export { output } => export(config, output.as_deref()),
            Command::ImportArchive { file } => import_archive(config, &file),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line that says what to do: no panic, no backtrace.
            eprintln!("scrutin: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)?;
        println!("listening on http://{}", app.address());
        std::io::stdout().flush()?;
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(config: Config) -> anyhow::Result<()> {
    Db::open(&config.database)?;
    println!("database up to date ({})", config.database.backend_name());
    Ok(())
}

fn create_admin(config: Config, email: &str, password_stdin: bool) -> anyhow::Result<()> {
    if !password_stdin {
        anyhow::bail!("give --password-stdin and type or pipe the password on standard input");
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| anyhow::anyhow!("cannot read the password from standard input: {e}"))?;
    let password = input.lines().next().unwrap_or("");
    if let Err(e) = accounts::check_password(password) {
        anyhow::bail!(
            "{e}: pipe it on standard input, e.g. `printf '%s' \"$PASSWORD\" | scrutin create-admin --email {email} --password-stdin`"
        );
    }
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    accounts::create_admin(&mut conn, email, password).map_err(anyhow::Error::msg)?;
    println!("administrator {} ready", email.trim().to_lowercase());
    Ok(())
}

fn demo(config: Config) -> anyhow::Result<()> {
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    let report = scrutin::services::demo::fill(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    let url = config
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.bind));
    println!(
        "Coopérative de démonstration prête : {} associés, une assemblée passée (n° {}, close) et une à venir (n° {}, en préparation).",
        report.associates, report.past_assembly, report.upcoming_assembly
    );
    println!("Demonstration cooperative ready. Logins (shown once, keep them):");
    for login in &report.logins {
        println!(
            "  {:<10} {:<42} {}",
            login.role, login.email, login.password
        );
    }
    println!("Start the server (`scrutin`) and log in at {url}/login");
    Ok(())
}

fn import_associates(config: Config, file: &std::path::Path) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    match import::import(&mut conn, None, &bytes).map_err(|e| anyhow::anyhow!("{e:?}"))? {
        ImportOutcome::Imported { associates, shares } => {
            println!("{associates} associates imported ({shares} shares subscribed)");
            Ok(())
        }
        ImportOutcome::Refused(lines) => {
            for line in &lines {
                eprintln!("{line}");
            }
            anyhow::bail!(
                "nothing imported: {} bad lines in {}",
                lines.len(),
                file.display()
            )
        }
    }
}

fn write_minutes(
    config: Config,
    assembly_id: i64,
    format: &str,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use scrutin::services::minutes::{self, Format};
    let format = Format::parse(Some(format)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let templates = scrutin::templates::Templates::new(config.templates_dir.clone());
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    let doc = minutes::render(&mut conn, &templates, assembly_id, format, None)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match output {
        Some(path) => {
            std::fs::write(path, doc.body)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "minutes of assembly {assembly_id} written to {}",
                path.display()
            );
        }
        None => std::io::stdout().write_all(&doc.body)?,
    }
    Ok(())
}

fn export(config: Config, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    use scrutin::services::moving;
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    let Some(path) = output else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        moving::export(&mut conn, &mut out)?;
        return Ok(());
    };
    // Written aside, then renamed: a failed export leaves no half archive.
    let partial = path.with_extension("partial");
    let written = std::fs::File::create(&partial)
        .map_err(anyhow::Error::from)
        .and_then(|file| moving::export(&mut conn, &mut std::io::BufWriter::new(file)))
        .and_then(|rows| Ok((rows, std::fs::rename(&partial, path)?)));
    match written {
        Ok((rows, ())) => {
            eprintln!("archive of {rows} rows written to {}", path.display());
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            anyhow::bail!("cannot write the archive {}: {e}", path.display())
        }
    }
}

fn import_archive(config: Config, file: &std::path::Path) -> anyhow::Result<()> {
    use scrutin::services::moving::{self, Archive};
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let archive = Archive::parse(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing imported", file.display()))?;
    let db = Db::open(&config.database)?;
    let mut conn = db.get()?;
    let imported = moving::import(&mut conn, &archive)
        .map_err(|e| anyhow::anyhow!("{e}; nothing imported"))?;
    println!(
        "{} rows in {} tables imported into {}",
        imported.rows(),
        imported.tables.len(),
        config.database.backend_name()
    );
    Ok(())
}
