# Run by scripts/redmine/start.sh through `bundle exec rails runner` (one boot).
# Idempotent: enables the REST API, requires login, allows group assignment,
# makes sure default data exists and gives the admin user a known API key.
key = ENV.fetch('REDMINE_ADMIN_KEY')
raise 'REDMINE_ADMIN_KEY must be 40 lowercase hex chars' unless key =~ /\A[0-9a-f]{40}\z/

if Tracker.count == 0 || IssueStatus.count == 0 || IssuePriority.count == 0
  puts 'configure.rb: loading default data (en)'
  Redmine::DefaultData::Loader.load('en')
end

Setting.rest_api_enabled = '1'
# No notification mails: their background jobs read SQLite while the API writes, and under
# the contract tests' load that ends in "database is locked" (HTTP 500).
Setting.notified_events = []
Setting.login_required = '1'
Setting.issue_group_assignment = '1'

admin = User.find_by(login: 'admin') or raise 'no admin user'
admin.status = User::STATUS_ACTIVE
admin.admin = true
admin.must_change_passwd = false # else HTTP Basic auth with the key answers 403
admin.save!(validate: false)

tok = Token.find_by(user_id: admin.id, action: 'api')
if tok.nil? || tok.value != key
  Token.where(user_id: admin.id, action: 'api').delete_all
  Token.where(action: 'api', value: key).where.not(user_id: admin.id).delete_all
  # Token's before_create callback generates a random value: overwrite it.
  Token.create!(user: admin, action: 'api').update_column(:value, key)
end

puts "configure.rb: redmine #{Redmine::VERSION} ok; trackers=#{Tracker.count} " \
     "statuses=#{IssueStatus.pluck(:name).join('/')} admin_id=#{admin.id}"

# The user custom field that maps Redmine users to Discord members (netbot's /link writes it).
discord = UserCustomField.find_or_initialize_by(name: 'Discord ID')
if discord.new_record?
  discord.field_format = 'string'
  discord.visible = true
  discord.editable = false
  discord.regexp = '\A\d{15,21}\z'
  discord.save!
  puts "configure.rb: created user custom field 'Discord ID' (id #{discord.id})"
end
